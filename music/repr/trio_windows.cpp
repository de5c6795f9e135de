#include "music/repr/trio_windows.h"

#include <algorithm>
#include <stdexcept>

#include "music/repr/grid.h"

namespace cadenza::music::repr {

namespace {

// Steps [begin, end) in 4/4 time. Before the first time signature (or without any) a MIDI
// file is in 4/4.
std::vector<std::pair<int64_t, int64_t>> four_four_spans(const Score& score, int steps_per_quarter, int64_t length) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  auto step_of = [&](int64_t tick) {
    return std::clamp<int64_t>(tick_to_step(tick, score.ticks_per_quarter, steps_per_quarter), 0, length);
  };
  const auto& ts = score.time_signatures;
  int64_t begin = 0;  // of the current stretch
  bool four_four = true;
  for (const TimeSignature& t : ts) {
    const int64_t at = step_of(t.tick);
    if (four_four && at > begin) spans.emplace_back(begin, at);
    begin = at;
    four_four = t.numerator == 4 && t.denominator == 4;
  }
  if (four_four && length > begin) spans.emplace_back(begin, length);
  return spans;
}

// Per step: does the part sound there? Melody tokens: from a NOTE_ON to the next NOTE_OFF
// or onset; drums: where struck.
std::vector<bool> melody_sounding(const std::vector<int32_t>& tokens) {
  std::vector<bool> on(tokens.size());
  bool sounding = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == MelodyTokenizer::kNoteOff)
      sounding = false;
    else if (tokens[i] != MelodyTokenizer::kNoEvent)
      sounding = true;
    on[i] = sounding;
  }
  return on;
}

std::vector<bool> drums_sounding(const std::vector<int32_t>& drums) {
  std::vector<bool> on(drums.size());
  for (size_t i = 0; i < drums.size(); ++i) on[i] = drums[i] != 0;
  return on;
}

}  // namespace

std::vector<int64_t> trio_window_starts(const Score& score, const TrioParts& parts, int steps_per_quarter,
                                        const TrioWindowOptions& o) {
  if (o.bars < 1 || o.gap_bars < 0) throw std::invalid_argument("trio windows: need bars >= 1 and gap_bars >= 0");
  if (!trio_tracks(score).complete()) return {};
  const int64_t bar = 4 * int64_t(steps_per_quarter);
  const std::vector<bool> sounding[3] = {melody_sounding(parts.melody), melody_sounding(parts.bass),
                                         drums_sounding(parts.drums)};
  std::vector<int64_t> starts;
  for (const auto& [begin, end] : four_four_spans(score, steps_per_quarter, int64_t(parts.size()))) {
    const int64_t bars = (end - begin) / bar;
    if (bars < o.bars) continue;
    // all_play[k]: every part plays in bar k (within the forgiven gaps).
    std::vector<bool> all_play(size_t(bars), true);
    for (const std::vector<bool>& on : sounding) {
      std::vector<bool> plays(size_t(bars), false);
      for (int64_t k = 0; k < bars; ++k)
        plays[size_t(k)] =
            std::any_of(on.begin() + begin + k * bar, on.begin() + begin + (k + 1) * bar, [](bool b) { return b; });
      for (int64_t k = 0; k < bars; ++k) {
        bool near = false;
        for (int64_t j = std::max<int64_t>(0, k - o.gap_bars); j <= std::min(bars - 1, k + o.gap_bars); ++j)
          near = near || plays[size_t(j)];
        all_play[size_t(k)] = all_play[size_t(k)] && near;
      }
    }
    // Windows of o.bars consecutive bars where all play: count the run ending at each bar.
    int64_t run = 0;
    for (int64_t k = 0; k < bars; ++k) {
      run = all_play[size_t(k)] ? run + 1 : 0;
      if (run >= o.bars) starts.push_back(begin + (k - o.bars + 1) * bar);
    }
  }
  return starts;
}

TrioPiece trio_piece(const Score& score, const TrioTokenizer& tokenizer, const TrioWindowOptions& options) {
  const TrioParts parts = encode_trio(score, tokenizer.config());
  return {tokenizer.pack(parts), trio_window_starts(score, parts, tokenizer.config().steps_per_quarter(), options)};
}

}  // namespace cadenza::music::repr
