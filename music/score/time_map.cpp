#include "music/score/time_map.h"

#include <algorithm>
#include <cmath>

namespace cadenza::music {

TimeMap::TimeMap(const Score& score) : ticks_per_quarter_(std::max(1, score.ticks_per_quarter)) {
  auto spt = [this](uint32_t us) { return us * 1e-6 / ticks_per_quarter_; };
  segments_.push_back({0, 0.0, spt(500000)});
  for (const Tempo& t : score.tempos) {
    const int64_t tick = std::max<int64_t>(0, t.tick);
    Segment& last = segments_.back();
    if (tick == last.tick) {  // a later tempo at the same tick wins
      last.seconds_per_tick = spt(std::max<uint32_t>(1, t.us_per_quarter));
      continue;
    }
    const double at = last.seconds + (tick - last.tick) * last.seconds_per_tick;
    segments_.push_back({tick, at, spt(std::max<uint32_t>(1, t.us_per_quarter))});
  }
}

double TimeMap::seconds(int64_t tick) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), tick,
                             [](int64_t t, const Segment& s) { return t < s.tick; });
  const Segment& s = it == segments_.begin() ? segments_.front() : *std::prev(it);
  return s.seconds + (tick - s.tick) * s.seconds_per_tick;
}

int64_t TimeMap::tick_at(double seconds) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), seconds,
                             [](double t, const Segment& s) { return t < s.seconds; });
  const Segment& s = it == segments_.begin() ? segments_.front() : *std::prev(it);
  return s.tick + static_cast<int64_t>(std::llround((seconds - s.seconds) / s.seconds_per_tick));
}

}  // namespace cadenza::music
