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

namespace {

// The events of `events` in [from, to), moved by -from; with `in_force`, also the last one
// before `from`, at 0 (a tempo or signature that still holds there), unless one starts at
// `from` itself.
template <class Event>
std::vector<Event> events_within(const std::vector<Event>& events, int64_t from, int64_t to, bool in_force) {
  std::vector<Event> out;
  const Event* held = nullptr;
  for (const Event& e : events) {
    if (e.tick < from)
      held = &e;
    else if (e.tick < to)
      out.push_back(e), out.back().tick -= from;
  }
  if (in_force && held && (out.empty() || out.front().tick > 0)) out.insert(out.begin(), *held), out.front().tick = 0;
  return out;
}

}  // namespace

Score excerpt(const Score& score, int64_t from, int64_t to) {
  Score out;
  out.ticks_per_quarter = score.ticks_per_quarter;
  out.tempos = events_within(score.tempos, from, to, true);
  out.time_signatures = events_within(score.time_signatures, from, to, true);
  out.key_signatures = events_within(score.key_signatures, from, to, true);
  for (const Track& t : score.tracks) {
    Track& cut = out.tracks.emplace_back(t);
    cut.notes.clear();
    for (const Note& n : t.notes)
      if (n.start < to && n.end > from && n.end > n.start)
        cut.notes.push_back({std::max(n.start, from) - from, std::min(n.end, to) - from, n.pitch, n.velocity});
    cut.program_changes = events_within(t.program_changes, from, to, false);
    cut.controls = events_within(t.controls, from, to, false);
    cut.pitch_bends = events_within(t.pitch_bends, from, to, false);
  }
  return out;
}

}  // namespace cadenza::music
