#include "music/repr/trio.h"

#include <fmt/format.h>

#include <algorithm>

namespace cadenza::music::repr {

namespace {

constexpr std::array<const char*, kDrumClasses> kDrumClassNames = {
    "kick", "snare", "closed_hat", "open_hat", "low_tom", "mid_tom", "high_tom", "crash", "ride"};

// A score holding only track `i` (or nothing), for a one-part encoder.
Score only_track(const Score& score, std::optional<size_t> i) {
  Score s;
  s.ticks_per_quarter = score.ticks_per_quarter;
  if (i) s.tracks.push_back(score.tracks[*i]);
  return s;
}

}  // namespace

TrioTracks trio_tracks(const Score& score) {
  TrioTracks out;
  auto take_busiest = [&](std::optional<size_t>& slot, size_t i) {
    if (!slot || score.tracks[i].notes.size() > score.tracks[*slot].notes.size()) slot = i;
  };
  for (size_t i = 0; i < score.tracks.size(); ++i) {
    const Track& t = score.tracks[i];
    if (t.notes.empty()) continue;
    if (t.is_drum)
      out.drums = true;
    else if (t.program <= 31)
      take_busiest(out.melody, i);
    else if (t.program <= 39)
      take_busiest(out.bass, i);
  }
  return out;
}

TrioParts encode_trio(const Score& score, const TrioConfig& config) {
  const TrioTracks tracks = trio_tracks(score);
  TrioParts p{MelodyTokenizer(config.melody).encode(only_track(score, tracks.melody)),
              MelodyTokenizer(config.bass).encode(only_track(score, tracks.bass)),
              encode_drums(score, config.steps_per_quarter())};
  const size_t n = std::max({p.melody.size(), p.bass.size(), p.drums.size()});
  // After a part's last note its rest continues: NO_EVENT, or no hit.
  for (auto* part : {&p.melody, &p.bass, &p.drums}) part->resize(n, 0);
  return p;
}

Score decode_trio(const TrioParts& parts, const TrioConfig& config) {
  Score score = MelodyTokenizer(config.melody).decode(parts.melody);  // track "melody", program 0
  score.tracks[0].channel = melodic_channel(0);
  Track bass = MelodyTokenizer(config.bass).decode(parts.bass).tracks.front();
  bass.name = "bass";
  bass.channel = melodic_channel(1);
  bass.program = kTrioBassProgram;
  score.tracks.push_back(std::move(bass));
  score.tracks.push_back(
      decode_drums(parts.drums, score.ticks_per_quarter, config.steps_per_quarter(), MelodyTokenizer::kDecodeVelocity));
  return score;
}

TrioTokenizer::TrioTokenizer(TrioConfig config) : config_(config), melody_(config.melody), bass_(config.bass) {
  if (config.melody.steps_per_quarter != config.bass.steps_per_quarter)
    throw std::invalid_argument("trio: melody and bass need one grid (steps_per_quarter)");
}

std::vector<TokenPart> TrioTokenizer::parts() const {
  return {{"melody", melody_.vocab_size()}, {"bass", bass_.vocab_size()}, {"drums", kDrumVocab}};
}

int32_t TrioTokenizer::vocab_size() const { return melody_.vocab_size() * bass_.vocab_size() * kDrumVocab; }

int32_t TrioTokenizer::notes_off_token() const {
  const std::vector<TokenPart> p = parts();
  const std::array<int32_t, 3> off = {MelodyTokenizer::kNoteOff, MelodyTokenizer::kNoteOff, 0};
  return pack_token(off, p);
}

std::vector<int32_t> TrioTokenizer::pack(const TrioParts& t) const {
  const std::vector<TokenPart> p = parts();
  std::vector<int32_t> tokens(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const std::array<int32_t, 3> c = {t.melody[i], t.bass[i], t.drums[i]};
    tokens[i] = pack_token(c, p);
  }
  return tokens;
}

TrioParts TrioTokenizer::unpack(std::span<const int32_t> tokens) const {
  check_tokens(tokens, vocab_size(), name());
  const std::vector<TokenPart> p = parts();
  TrioParts t;
  for (int32_t token : tokens) {
    const std::vector<int32_t> c = unpack_token(token, p);
    t.melody.push_back(c[0]);
    t.bass.push_back(c[1]);
    t.drums.push_back(c[2]);
  }
  return t;
}

std::vector<int32_t> TrioTokenizer::transposed(std::span<const int32_t> tokens, int semitones) const {
  TrioParts parts = unpack(tokens);
  for (int32_t& t : parts.melody) t = melody_.transposed(t, semitones);
  for (int32_t& t : parts.bass) t = bass_.transposed(t, semitones);
  return pack(parts);
}

std::vector<int32_t> TrioTokenizer::encode(const Score& score) const { return pack(encode_trio(score, config_)); }

Score TrioTokenizer::decode(std::span<const int32_t> tokens) const { return decode_trio(unpack(tokens), config_); }

std::string TrioTokenizer::token_name(int32_t token) const {
  const std::vector<int32_t> c = unpack_token(token, parts());
  std::string drums;
  for (int k = 0; k < kDrumClasses; ++k)
    if (c[2] >> k & 1) drums += (drums.empty() ? "" : "+") + std::string(kDrumClassNames[size_t(k)]);
  return fmt::format("{}|{}|{}", melody_.token_name(c[0]), bass_.token_name(c[1]), drums.empty() ? "no_hit" : drums);
}

}  // namespace cadenza::music::repr
