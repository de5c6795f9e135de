#pragma once
// A player for soak tests and demos, run on the real-time thread in place of a keyboard:
// phrases of 3..8 notes from a C major pentatonic walk, 120..300 ms each, separated by
// silences of 0.3..3 s (so some answers are heard out and some are cut off by the next
// phrase). Deterministic from its seed; no allocation, no lock: it only counts frames and
// hands each event to a callback with its offset in the period.
#include <cstdint>

namespace cadenza::live {

class SimulatedPlayer {
 public:
  SimulatedPlayer(double sample_rate, uint64_t seed);

  // The events of the period [start, start + nframes): emit(offset, bytes, size).
  template <class Emit>
  void play(int64_t start, uint32_t nframes, Emit&& emit) {
    const int64_t end = start + nframes;
    if (next_ < 0) next_ = start;  // the first phrase starts with the first period
    while (next_ < end) {
      const uint32_t offset = next_ < start ? 0u : uint32_t(next_ - start);
      uint8_t bytes[3];
      advance(bytes);
      emit(offset, static_cast<const uint8_t*>(bytes), 3u);
    }
  }
  uint64_t phrases() const { return phrases_; }
  uint64_t notes() const { return notes_; }

 private:
  // Writes the event due at next_ and schedules the one after it.
  void advance(uint8_t* bytes);
  uint32_t random(uint32_t below);

  double sample_rate_;
  uint64_t state_;
  int64_t next_ = -1;  // frame of the next event
  int left_ = 0;       // notes left in the phrase
  int pitch_ = 60;     // the sounding (or last) note
  bool sounding_ = false;
  uint64_t phrases_ = 0, notes_ = 0;
};

}  // namespace cadenza::live
