#pragma once
// The real-time side, shared by the JACK client and the LV2 plugin: called once per audio
// period from the host's process callback. It never allocates, locks or waits — fixed
// arrays, the lock-free queues and atomics only:
//   begin_period(start, n)   the period's first frame on the host clock and its length;
//   input(bytes, offset)     each incoming MIDI event: timestamped and queued for the
//                            worker; a note-on starts a new epoch (the player plays on);
//                            MIDI clock (start, ticks) sets the beat grid and tempo;
//   emit_due(emit)           the worker's events that fall within the period, in time
//                            order, as emit(offset, bytes, size);
//   end_period()             wakes the worker if anything was queued.
// An output event of an earlier epoch is stale: its note-on is dropped, its note-off still
// sent if that key sounds, so the answer stops at once when the player plays again and no
// note hangs. An event whose time has passed goes out at the period's first frame.
#include <array>
#include <cstdint>

#include "live/channels.h"

namespace cadenza::live {

class RtScheduler {
 public:
  static constexpr size_t kPending = 2048;  // events waiting for their time
  explicit RtScheduler(Channels& channels) : ch_(channels) {}

  void begin_period(int64_t start, uint32_t nframes);
  void input(const uint8_t* bytes, uint32_t size, uint32_t offset);
  template <class Emit>
  void emit_due(Emit&& emit) {
    collect();
    for (size_t i = 0; i < due_count_; ++i) {
      const MidiEvent& e = due_[i];
      const uint8_t bytes[3] = {e.status, e.data1, e.data2};
      emit(uint32_t(e.frame - start_), bytes, uint32_t(e.size));
    }
  }
  void end_period();
  // Note-offs for every key this side has sounded (shutdown, transport stop).
  template <class Emit>
  void release_all(Emit&& emit) {
    for (int p = 0; p < 128; ++p)
      while (sounding_[size_t(p)] > 0) {
        const uint8_t bytes[3] = {0x80, uint8_t(p), 0};
        emit(0u, bytes, 3u);
        --sounding_[size_t(p)];
      }
  }
  size_t pending() const { return pending_count_; }

 private:
  // Moves the queue into pending_, then the period's due events into due_, in time order.
  void collect();
  // Reads MIDI clock: 0xFA (start) makes the next tick a downbeat, every 24th tick a beat.
  void clock(uint8_t status, int64_t frame);

  Channels& ch_;
  std::array<MidiEvent, kPending> pending_{};
  size_t pending_count_ = 0;
  std::array<MidiEvent, kPending> due_{};
  size_t due_count_ = 0;
  std::array<uint16_t, 128> sounding_{};  // generated notes sounding, per key
  uint32_t epoch_ = 0;
  int64_t clock_ticks_ = 0;
  int64_t clock_beat_frame_ = INT64_MIN;
  int64_t start_ = 0;
  uint32_t nframes_ = 0;
  bool queued_ = false;
};

}  // namespace cadenza::live
