#pragma once
// The last word on every note the worker sends out: the key and density controls, and
// the guarantee that each note-on sent is matched by exactly one note-off of the same
// key. Snapping to a key can map two generated pitches onto one, and the density limit
// drops notes; the shaper remembers what each generated pitch became so its release
// follows it (or is dropped with it), and never strikes a key that is already sounding.
#include <array>
#include <cstdint>
#include <deque>

#include "live/note_stream.h"

namespace cadenza::live {

// `pitch` moved down to the nearest pitch of the major scale on `key` (0..11; -1: as is).
int snap_to_key(int pitch, int key);

class OutputShaper {
 public:
  // Forgets everything (a new continuation); nothing may be sounding.
  void reset();
  // The event to send for `e`, changed in place; false when it is dropped. `time` is the
  // event's absolute time in seconds (for the density window), `density` note-ons per
  // second at most over any one second.
  bool shape(GenEvent& e, double time, int key, double density);
  // Note-offs for every note still sounding, at `time` (the stream was cut short).
  std::vector<GenEvent> release_all(double time);
  int sounding() const { return sounding_count_; }

 private:
  std::array<int16_t, 128> sent_as_{};   // generated pitch -> pitch sent + 1; 0: not sounding
  std::array<uint8_t, 128> sounding_{};  // sent pitch -> 1 while sounding
  std::deque<double> onsets_;            // times of the note-ons sent within the last second
  int sounding_count_ = 0;
};

}  // namespace cadenza::live
