// Quantisation of ticks to a metrical grid of `steps_per_quarter` steps per quarter note.
#pragma once

#include <algorithm>
#include <cstdint>

#include "music/score/score.h"

namespace cadenza::music::repr {

// Nearest grid step of `tick` (half-way rounds up).
inline int64_t tick_to_step(int64_t tick, int ticks_per_quarter, int steps_per_quarter) {
  const int64_t num = tick * steps_per_quarter;
  const int64_t tpq = std::max(1, ticks_per_quarter);
  return (num >= 0 ? num + tpq / 2 : num - tpq / 2) / tpq;
}

inline int64_t step_to_tick(int64_t step, int ticks_per_quarter, int steps_per_quarter) {
  return step * ticks_per_quarter / std::max(1, steps_per_quarter);
}

// A note on the grid: [start, end) steps, end > start (a note shorter than a step keeps one).
struct GridNote {
  int64_t start, end;
  int pitch, velocity;
};

inline GridNote to_grid(const Note& n, int ticks_per_quarter, int steps_per_quarter) {
  const int64_t s = tick_to_step(n.start, ticks_per_quarter, steps_per_quarter);
  const int64_t e = tick_to_step(n.end, ticks_per_quarter, steps_per_quarter);
  return {s, std::max(e, s + 1), n.pitch, n.velocity};
}

}  // namespace cadenza::music::repr
