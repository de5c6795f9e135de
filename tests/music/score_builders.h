// Small hand-made scores for representation and metric tests.
#pragma once

#include <initializer_list>

#include "music/score/score.h"

namespace cadenza::music::test {

// One track of notes {start, end, pitch, velocity} at `tpq` ticks per quarter.
inline Score one_track(std::initializer_list<Note> notes, int tpq = 480, bool drum = false) {
  Score s;
  s.ticks_per_quarter = tpq;
  Track& t = s.tracks.emplace_back();
  t.is_drum = drum;
  t.channel = drum ? kDrumChannel : 0;
  t.notes = notes;
  return s;
}

}  // namespace cadenza::music::test

#include <ostream>

namespace cadenza::music {
// Lets Catch print notes in failure messages.
inline std::ostream& operator<<(std::ostream& os, const Note& n) {
  return os << "{" << n.start << ".." << n.end << " p" << int(n.pitch) << " v" << int(n.velocity) << "}";
}
}  // namespace cadenza::music
