#pragma once

#include <cstdint>
#include <vector>

#include "music/score/score.h"

namespace cadenza::music {

// Ticks <-> seconds through the tempo map (piecewise constant tempo), and ticks <-> beats
// (quarter notes, independent of tempo).
class TimeMap {
 public:
  explicit TimeMap(const Score& score);
  double seconds(int64_t tick) const;
  int64_t tick_at(double seconds) const;  // inverse of seconds(), rounded to a tick
  double beats(int64_t tick) const { return static_cast<double>(tick) / ticks_per_quarter_; }

 private:
  struct Segment {
    int64_t tick;
    double seconds;  // time at `tick`
    double seconds_per_tick;
  };
  int ticks_per_quarter_;
  std::vector<Segment> segments_;  // first at tick 0
};

}  // namespace cadenza::music
