#include "music/repr/melody.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "music/repr/grid.h"

namespace cadenza::music::repr {

MelodyTokenizer::MelodyTokenizer(MelodyConfig config) : config_(config) {
  if (config_.max_pitch - config_.min_pitch < 12 || config_.min_pitch < 0 || config_.max_pitch > 128 ||
      config_.steps_per_quarter < 1)
    throw std::invalid_argument("melody: need at least one octave within 0..127 and steps_per_quarter >= 1");
}

int MelodyTokenizer::fold_into_range(int pitch) const {
  while (pitch < config_.min_pitch) pitch += 12;
  while (pitch >= config_.max_pitch) pitch -= 12;
  return pitch;
}

int32_t MelodyTokenizer::transposed(int32_t token, int semitones) const {
  if (token < 2) return token;
  return 2 + fold_into_range(config_.min_pitch + token - 2 + semitones) - config_.min_pitch;
}

std::vector<int32_t> MelodyTokenizer::encode(const Score& score) const {
  std::vector<GridNote> notes;
  for (const Track& t : score.tracks)
    if (!t.is_drum)
      for (const Note& n : t.notes) notes.push_back(to_grid(n, score.ticks_per_quarter, config_.steps_per_quarter));
  if (notes.empty()) return {};
  // By onset, highest pitch first, so the first note at each step is the one kept.
  std::stable_sort(notes.begin(), notes.end(), [](const GridNote& a, const GridNote& b) {
    return a.start != b.start ? a.start < b.start : a.pitch > b.pitch;
  });
  int64_t length = 0;
  for (const GridNote& n : notes) length = std::max(length, n.end);
  check_length(static_cast<size_t>(std::max<int64_t>(length, 0)), "melody");
  std::vector<int32_t> tokens(static_cast<size_t>(length), kNoEvent);
  int64_t sounding_end = -1;  // end step of the note currently sounding
  int64_t last_onset = -1;
  for (const GridNote& n : notes) {
    if (n.start < 0 || n.start == last_onset) continue;
    if (sounding_end > 0 && sounding_end < n.start && tokens[sounding_end] == kNoEvent) tokens[sounding_end] = kNoteOff;
    tokens[n.start] = 2 + fold_into_range(n.pitch) - config_.min_pitch;
    last_onset = n.start;
    sounding_end = n.end;
  }
  // The last note's end: mark it if it lies inside the sequence; the sequence ends there.
  tokens.resize(static_cast<size_t>(sounding_end));
  tokens.push_back(kNoteOff);
  return tokens;
}

Score MelodyTokenizer::decode(std::span<const int32_t> tokens) const {
  Score score = start_decoding(tokens, *this, kDecodeTicksPerQuarter);
  Track& track = score.tracks.front();
  auto tick = [&](size_t step) {
    return step_to_tick(static_cast<int64_t>(step), kDecodeTicksPerQuarter, config_.steps_per_quarter);
  };
  bool sounding = false;
  for (size_t step = 0; step < tokens.size(); ++step) {
    const int32_t token = tokens[step];
    if (token == kNoEvent) continue;
    if (sounding) track.notes.back().end = tick(step);
    sounding = token != kNoteOff;
    if (sounding)
      track.notes.push_back(
          {tick(step), tick(step + 1), static_cast<uint8_t>(token - 2 + config_.min_pitch), kDecodeVelocity});
  }
  if (sounding) track.notes.back().end = tick(tokens.size());
  return score;
}

std::string MelodyTokenizer::token_name(int32_t token) const {
  if (token == kNoEvent) return "NO_EVENT";
  if (token == kNoteOff) return "NOTE_OFF";
  return fmt::format("NOTE_ON_{}", token - 2 + config_.min_pitch);
}

}  // namespace cadenza::music::repr
