#include "live/rt_scheduler.h"

namespace cadenza::live {

void RtScheduler::begin_period(int64_t start, uint32_t nframes) {
  start_ = start;
  nframes_ = nframes;
  queued_ = false;
  ch_.now.store(start, std::memory_order_release);
}

void RtScheduler::clock(uint8_t status, int64_t frame) {
  if (status == 0xfa) {  // start: the song begins at its first beat
    clock_ticks_ = 0;
    clock_beat_frame_ = INT64_MIN;
    return;
  }
  if (status != 0xf8) return;  // continue and stop leave the grid as it is
  if (clock_ticks_ % 24 == 0) {
    if (clock_beat_frame_ != INT64_MIN && frame > clock_beat_frame_)
      ch_.clock_frames_per_beat.store(frame - clock_beat_frame_, std::memory_order_relaxed);
    ch_.beat_origin.store(frame, std::memory_order_release);
    clock_beat_frame_ = frame;
  }
  ++clock_ticks_;
  ch_.clock_last_tick.store(frame, std::memory_order_release);
}

void RtScheduler::input(const uint8_t* bytes, uint32_t size, uint32_t offset) {
  if (size >= 1 && bytes[0] >= 0xf8) {
    clock(bytes[0], start_ + offset);
    return;
  }
  MidiEvent e = from_bytes(start_ + offset, bytes, size);
  if (e.size == 0) return;
  if (e.is_note_on()) ch_.epoch.store(++epoch_, std::memory_order_release);
  e.epoch = epoch_;
  if (ch_.input.push(e))
    queued_ = true;
  else
    ch_.dropped_input.fetch_add(1, std::memory_order_relaxed);
}

void RtScheduler::end_period() {
  if (queued_) ch_.wake.post();
}

void RtScheduler::collect() {
  MidiEvent e;
  while (pending_count_ < kPending && ch_.output.pop(e)) pending_[pending_count_++] = e;
  const int64_t end = start_ + nframes_;
  due_count_ = 0;
  size_t kept = 0;
  uint64_t late = 0, stale = 0;
  for (size_t i = 0; i < pending_count_; ++i) {
    MidiEvent ev = pending_[i];
    const bool is_stale = ev.epoch != kEveryEpoch && ev.epoch != epoch_;
    if (is_stale) {
      // Stop the answer now: drop what it has not struck, release what it has.
      if (ev.is_note_off() && sounding_[ev.data1] > 0) {
        ev.frame = start_;
      } else {
        ++stale;
        continue;
      }
    }
    if (ev.frame >= end) {
      pending_[kept++] = ev;
      continue;
    }
    if (ev.frame < start_) {
      ev.frame = start_;
      ++late;
    }
    if (ev.is_note_on()) {
      ++sounding_[ev.data1];
    } else if (ev.is_note_off()) {
      if (sounding_[ev.data1] == 0) continue;  // nothing to release (its note-on was dropped)
      --sounding_[ev.data1];
    }
    // Insertion in time order; equal times keep the worker's order (releases before strikes).
    size_t j = due_count_++;
    while (j > 0 && due_[j - 1].frame > ev.frame) {
      due_[j] = due_[j - 1];
      --j;
    }
    due_[j] = ev;
  }
  pending_count_ = kept;
  if (late) ch_.late_output.fetch_add(late, std::memory_order_relaxed);
  if (stale) ch_.stale_output.fetch_add(stale, std::memory_order_relaxed);
}

}  // namespace cadenza::live
