#pragma once
// Everything the real-time side and the worker share, and nothing else: two lock-free
// queues (input events in, timed output events back), a few atomics, and a semaphore the
// real-time side posts to wake the worker (sem_post neither locks nor allocates, and is
// async-signal-safe; waiting is the worker's business alone).
#include <semaphore.h>

#include <atomic>
#include <cstdint>

#include "live/midi_event.h"
#include "live/spsc_queue.h"

namespace cadenza::live {

class Wakeup {
 public:
  Wakeup() { sem_init(&sem_, 0, 0); }
  ~Wakeup() { sem_destroy(&sem_); }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;
  void post() { sem_post(&sem_); }  // real-time safe
  // Waits until posted or `micros` have passed (the worker also runs on a clock).
  void wait_for(int64_t micros);

 private:
  sem_t sem_;
};

struct Channels {
  SpscQueue<MidiEvent, 1024> input;     // real-time side -> worker: what the player played
  SpscQueue<MidiEvent, 4096> output;    // worker -> real-time side: what to play, and when
  std::atomic<uint32_t> epoch{0};       // bumped by every note-on the player plays
  std::atomic<int64_t> now{0};          // first frame of the real-time side's current period
  std::atomic<int64_t> beat_origin{0};  // a frame a beat falls on (the host's, MIDI clock's, or 0)
  // MIDI clock (24 ticks a quarter) on the input: the frames of its last beat and the
  // frame of its last tick (INT64_MIN: none yet); accompaniment follows it while it ticks.
  std::atomic<int64_t> clock_frames_per_beat{0};
  std::atomic<int64_t> clock_last_tick{INT64_MIN};
  std::atomic<uint64_t> dropped_input{0};  // input refused by a full queue
  std::atomic<uint64_t> late_output{0};    // output that arrived after its time (played at once)
  std::atomic<uint64_t> stale_output{0};   // output dropped because the player played on
  Wakeup wake;
};

}  // namespace cadenza::live
