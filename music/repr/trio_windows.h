// Where a score's trio (trio.h) can be cut into training windows, after Magenta's
// TrioConverter: windows of whole 4/4 bars (4 · steps_per_quarter steps, counted from the
// start of each stretch of 4/4 time; other metres are skipped, as Magenta drops sequences
// whose bars are not 16 steps), starting at every bar, in which all three parts play.
// A part plays in a bar when one of its notes sounds there (a drum: is struck there);
// gaps of up to `gap_bars` on either side of a playing bar are forgiven (Magenta's
// gap_bars = 2, so a part may rest up to 4 bars inside a window).
#pragma once

#include "music/repr/trio.h"

namespace cadenza::music::repr {

struct TrioWindowOptions {
  int64_t bars = 16;
  int64_t gap_bars = 2;
};

// A score's trio as tokens (TrioTokenizer) and the start steps of its windows; no windows
// unless the score has a melody, a bass and a drum track.
struct TrioPiece {
  std::vector<int32_t> tokens;
  std::vector<int64_t> window_starts;  // ascending
};

TrioPiece trio_piece(const Score& score, const TrioTokenizer& tokenizer, const TrioWindowOptions& options = {});

// The window starts of `parts` (encode_trio of `score`, whose time signatures place the bars).
std::vector<int64_t> trio_window_starts(const Score& score, const TrioParts& parts, int steps_per_quarter,
                                        const TrioWindowOptions& options = {});

}  // namespace cadenza::music::repr
