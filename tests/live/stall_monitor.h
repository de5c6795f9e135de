#pragma once
// What stalls the machine itself: one thread per CPU, pinned to it at a real-time priority
// above JACK's, that asks to wake every half millisecond and records every wake-up that
// came late. Being above JACK's threads, no JACK client's work can delay it; what does is
// what no client controls — on a virtual machine mostly the host taking the virtual CPU
// away (steal time, which the guest often counts as CPU time of whatever thread was
// running). A soak run sets its xruns and long callbacks beside these stalls.
#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace cadenza::live::test {

struct Stall {
  int cpu = 0;
  int64_t due_ns = 0;   // CLOCK_MONOTONIC moment the wake-up was asked for
  int64_t late_ns = 0;  // how late it came: the machine was stalled over [due, due + late]
};

class StallMonitor {
 public:
  static constexpr int64_t kTickNs = 500'000;          // wake-ups asked for, per CPU
  static constexpr int64_t kRecordedLateNs = 200'000;  // lateness worth recording
  // Starts the threads and waits until each has its CPU and SCHED_FIFO priority or has
  // failed to get them (`ok()`: not without the right to real-time scheduling).
  StallMonitor();
  ~StallMonitor();
  StallMonitor(const StallMonitor&) = delete;
  StallMonitor& operator=(const StallMonitor&) = delete;
  bool ok() const { return failed_.load() == 0; }
  // Stops the threads and returns every stall recorded, in no particular order.
  std::vector<Stall> stop();

 private:
  void run(int cpu, size_t slot);
  std::vector<std::thread> threads_;
  std::vector<std::vector<Stall>> per_cpu_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_{0}, started_{0};
};

// How much of [from_ns, to_ns] some CPU of `stalls` was stalled (their union, clipped).
int64_t stalled_ns(const std::vector<Stall>& stalls, int64_t from_ns, int64_t to_ns);

// Catch checks of a `cadenza live` report (its long callbacks and late output) against
// the stalls a real-time monitor saw over the same run: no xrun and no late event of the
// client's making. Its own time — a callback's wall time less the part of it some CPU was
// stalled — stays under a quarter period, and it never waits; output goes out late only
// when JACK missed cycles. Prints what it matched, and how many xruns followed a stall.
void check_no_xrun_of_its_making(const nlohmann::json& report, const std::vector<Stall>& stalls);

}  // namespace cadenza::live::test
