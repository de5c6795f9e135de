#pragma once
// The worker thread: everything that may allocate, lock or take time. It reads the
// player's events from the input queue, detects phrases (phrase.h), and
//   continue / answer: as soon as the player has released every key it starts sampling a
//     continuation (note_stream.h), timed so its first note sounds `pause` after the last
//     event (a rest the model opens with is dropped), and posts
//     each event as it is sampled; if the player plays on within the pause the real-time
//     side drops the answer (a new epoch) and the worker stops sampling it;
//   accompany: shortly before each beat, posts the chord that fits the last beat.
// Controls are read before every step, so a change is heard within the phrase.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/rng.h"
#include "live/channels.h"
#include "live/controls.h"
#include "live/note_stream.h"
#include "live/output_shaper.h"
#include "live/phrase.h"

namespace cadenza::live {

struct WorkerOptions {
  double sample_rate = 48000;
  uint64_t seed = 0;
  double history_seconds = 60;  // played notes kept for `continue` and `accompany`
  double primer_seconds = 10;   // the part of the history `continue` primes from
};

struct WorkerStats {
  std::atomic<uint64_t> continuations{0};  // started
  std::atomic<uint64_t> completed{0};      // sampled to their end
  std::atomic<uint64_t> cancelled{0};      // cut short because the player played on
  std::atomic<uint64_t> events{0};         // posted
  std::atomic<uint64_t> chords{0};
  std::atomic<uint64_t> errors{0};
};

class Worker {
 public:
  Worker(std::shared_ptr<models::Model> model, Controls& controls, Channels& channels, WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Either a thread of its own (start/stop) or the host's: the LV2 plugin calls tick()
  // from the host's worker thread (the LV2 worker extension) instead of start().
  void start();
  void stop();  // joins; safe to call twice
  // One pass: read the input, then answer a finished phrase or post the next beat's chord.
  void tick();
  const WorkerStats& stats() const { return stats_; }
  // The last error a continuation failed with ("" if none); the worker keeps running.
  std::string last_error() const;

 private:
  void drain_input();
  void continue_phrase(const ControlValues& values);
  void accompany(const ControlValues& values, int64_t now);
  bool stale(uint32_t epoch) const { return channels_.epoch.load(std::memory_order_acquire) != epoch; }
  // Waits while the output queue is full; false when the answer went stale or the worker stops.
  bool post(const MidiEvent& e);

  std::shared_ptr<models::Model> model_;
  Controls& controls_;
  Channels& channels_;
  WorkerOptions options_;
  std::unique_ptr<NoteStream> stream_;
  OutputShaper shaper_;
  PhraseTracker tracker_;
  Generator gen_;
  std::optional<uint32_t> answered_epoch_;
  int64_t last_beat_frame_ = INT64_MIN;  // the beat the last chord was posted for
  WorkerStats stats_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex error_mutex_;  // worker and user-interface threads only, never real-time
  std::string last_error_;
};

}  // namespace cadenza::live
