#pragma once
// `cadenza live` on JACK: one client with a MIDI input and a MIDI output port whose
// process callback is the real-time side of a live::LiveEngine (live/rt_scheduler.h),
// optionally with a simulated player in place of the input port (soak runs). The
// callback never allocates, locks or waits; it also times itself, and keeps the moments
// of every xrun and of every callback that ran past a quarter period, so a run can set
// them beside what else stalled the machine at those moments (tests/live/stall_monitor.h).
#include <jack/jack.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "live/live_engine.h"
#include "live/simulated_player.h"

namespace cadenza::tools {

struct JackLiveOptions {
  std::string client_name = "cadenza";
  std::string connect_in, connect_out;  // ports to connect to ours ("" = none)
  bool simulate = false;                // play SimulatedPlayer into the input
  uint64_t seed = 0;
};

// A process callback that ran long: its start on CLOCK_MONOTONIC, its wall and CPU time,
// the CPUs it began and ended on, and what the kernel counted for its thread meanwhile:
// page faults (a first touch of memory), voluntary context switches (the callback waited,
// which it must never do) and involuntary ones (a higher-priority thread took its CPU).
struct LongCallback {
  int64_t start_ns = 0, wall_ns = 0, cpu_ns = 0;
  int cpu_begin = -1, cpu_end = -1;
  int64_t minor_faults = 0, major_faults = 0, waits = 0, preemptions = 0;
};

class JackLive {
 public:
  static constexpr size_t kKept = 4096;         // xrun moments and long callbacks kept: the first ones
  static constexpr size_t kHistogramBins = 14;  // CPU time per callback, by powers of two of a microsecond
  // Opens the client (the server named by $JACK_DEFAULT_SERVER, never started by us) and
  // registers the ports; throws when there is no server.
  explicit JackLive(JackLiveOptions options);
  ~JackLive();
  JackLive(const JackLive&) = delete;
  JackLive& operator=(const JackLive&) = delete;

  double sample_rate() const;
  uint32_t period() const;
  std::string port_name(bool input) const;
  // Starts calling `engine` from the process callback and makes the requested connections.
  void activate(live::LiveEngine& engine);
  void deactivate();

  uint64_t xruns() const { return xruns_.load(); }
  uint64_t cycles() const { return cycles_.load(); }
  // The longest process callback, in wall time and in the callback thread's CPU time.
  double max_process_micros() const { return double(max_process_ns_.load()) * 1e-3; }
  double max_process_cpu_micros() const { return double(max_process_cpu_ns_.load()) * 1e-3; }
  // CPU time per callback: bin i counts callbacks under 2^i microseconds (the last: the rest).
  std::array<uint64_t, kHistogramBins> cpu_histogram() const;
  // CLOCK_MONOTONIC moments of the xruns JACK reported, and the callbacks whose wall or CPU
  // time passed a quarter period (the first kKept of each).
  std::vector<int64_t> xrun_times() const;
  std::vector<LongCallback> long_callbacks() const;
  uint64_t simulated_phrases() const { return simulated_phrases_.load(); }
  bool shut_down() const { return shutdown_.load(); }

 private:
  static int process(jack_nframes_t nframes, void* self);
  static int on_xrun(void* self);
  static void on_shutdown(void* self);
  int64_t unwrap(jack_nframes_t frame);

  JackLiveOptions options_;
  jack_client_t* client_ = nullptr;
  jack_port_t* in_ = nullptr;
  jack_port_t* out_ = nullptr;
  live::LiveEngine* engine_ = nullptr;
  std::unique_ptr<live::SimulatedPlayer> player_;
  bool active_ = false;
  uint32_t last_frame32_ = 0;
  int64_t frames_ = 0;
  bool clock_started_ = false;
  std::atomic<uint64_t> xruns_{0}, cycles_{0}, max_process_ns_{0}, max_process_cpu_ns_{0}, simulated_phrases_{0};
  std::atomic<bool> shutdown_{false};
  int64_t long_ns_ = 0;  // a quarter period, set at activation
  std::array<std::atomic<uint64_t>, kHistogramBins> cpu_bins_{};
  std::array<std::atomic<int64_t>, kKept> xrun_at_{};
  std::atomic<size_t> xrun_count_{0};
  std::array<LongCallback, kKept> long_{};
  std::atomic<size_t> long_count_{0};
};

}  // namespace cadenza::tools
