#pragma once
// One timed MIDI channel message as it crosses between the real-time thread and the
// worker: a plain value (no pointers, no allocation), so a fixed-capacity queue of them
// never allocates. Times are in audio frames of the host's clock (JACK's frame time, or
// an LV2 plugin's running frame count), so both sides agree on "when" without a wall clock.
#include <cstdint>

namespace cadenza::live {

// The epoch of an event that no later input makes stale (accompaniment): played whatever
// the player does next.
inline constexpr uint32_t kEveryEpoch = 0xffffffffu;

struct MidiEvent {
  int64_t frame = 0;   // absolute frame on the host clock
  uint32_t epoch = 0;  // output: the input epoch it answers (stale once the player plays on)
  uint8_t status = 0;  // 0x80 note-off, 0x90 note-on, ... (channel in the low nibble)
  uint8_t data1 = 0;   // pitch
  uint8_t data2 = 0;   // velocity
  uint8_t size = 3;    // bytes of the message: 1..3

  uint8_t kind() const { return status & 0xf0; }
  // A note-on of velocity 0 is a note-off by the MIDI standard.
  bool is_note_on() const { return kind() == 0x90 && data2 > 0; }
  bool is_note_off() const { return kind() == 0x80 || (kind() == 0x90 && data2 == 0); }
};

inline MidiEvent note_on(int64_t frame, int pitch, int velocity, uint32_t epoch = 0, int channel = 0) {
  return {frame, epoch, uint8_t(0x90 | (channel & 15)), uint8_t(pitch & 127), uint8_t(velocity & 127), 3};
}
inline MidiEvent note_off(int64_t frame, int pitch, uint32_t epoch = 0, int channel = 0) {
  return {frame, epoch, uint8_t(0x80 | (channel & 15)), uint8_t(pitch & 127), 0, 3};
}

// A message from raw bytes (status first); nullopt-like: size 0 when it is not a channel
// message of 1..3 bytes (sysex, realtime and running status are not passed on).
inline MidiEvent from_bytes(int64_t frame, const uint8_t* bytes, uint32_t size) {
  MidiEvent e;
  e.frame = frame;
  e.size = 0;
  if (size == 0 || size > 3 || (bytes[0] & 0x80) == 0 || bytes[0] >= 0xf0) return e;
  e.status = bytes[0];
  e.data1 = size > 1 ? bytes[1] & 127 : 0;
  e.data2 = size > 2 ? bytes[2] & 127 : 0;
  e.size = uint8_t(size);
  return e;
}

}  // namespace cadenza::live
