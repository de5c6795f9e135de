#include "music/score/score.h"

#include <algorithm>
#include <cmath>

namespace cadenza::music {

int64_t Score::end_tick() const {
  int64_t end = 0;
  for (const Track& t : tracks)
    for (const Note& n : t.notes) end = std::max(end, n.end);
  return end;
}

size_t Score::note_count() const {
  size_t n = 0;
  for (const Track& t : tracks) n += t.notes.size();
  return n;
}

int64_t bar_ticks(const TimeSignature& ts, int ticks_per_quarter) {
  const int denominator = ts.denominator > 0 ? ts.denominator : 4;
  return std::max<int64_t>(1, int64_t{ts.numerator} * ticks_per_quarter * 4 / denominator);
}

Score resample(const Score& score, int new_tpq) {
  const double k = static_cast<double>(new_tpq) / score.ticks_per_quarter;
  auto at = [k](int64_t tick) { return static_cast<int64_t>(std::llround(tick * k)); };
  Score out = score;
  out.ticks_per_quarter = new_tpq;
  for (auto& e : out.tempos) e.tick = at(e.tick);
  for (auto& e : out.time_signatures) e.tick = at(e.tick);
  for (auto& e : out.key_signatures) e.tick = at(e.tick);
  for (Track& t : out.tracks) {
    for (Note& n : t.notes) {
      n.start = at(n.start);
      n.end = at(n.end);
    }
    for (auto& e : t.program_changes) e.tick = at(e.tick);
    for (auto& e : t.controls) e.tick = at(e.tick);
    for (auto& e : t.pitch_bends) e.tick = at(e.tick);
  }
  return out;
}

}  // namespace cadenza::music
