#include "stall_monitor.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>

namespace cadenza::live::test {
namespace {

int64_t now_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

timespec to_timespec(int64_t ns) { return {time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)}; }

// Above jackd's default real-time priorities (its server threads at 10 and clients' at 5 with
// `-P 10`), so no JACK thread preempts the monitor.
constexpr int kPriority = 80;

}  // namespace

StallMonitor::StallMonitor() {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  per_cpu_.resize(size_t(std::max(1L, cpus)));
  for (size_t i = 0; i < per_cpu_.size(); ++i) {
    per_cpu_[i].reserve(1 << 18);  // no allocation while monitoring (an hour has some 20,000)
    threads_.emplace_back([this, i] { run(int(i), i); });
  }
  while (started_.load() < int(threads_.size())) std::this_thread::yield();
}

StallMonitor::~StallMonitor() { stop(); }

void StallMonitor::run(int cpu, size_t slot) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_param p{};
  p.sched_priority = kPriority;
  const bool ready = pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0 &&
                     pthread_setschedparam(pthread_self(), SCHED_FIFO, &p) == 0;
  if (!ready) failed_.fetch_add(1);
  started_.fetch_add(1);
  if (!ready) return;
  std::vector<Stall>& out = per_cpu_[slot];
  int64_t due = now_ns() + kTickNs;
  while (!stop_.load(std::memory_order_relaxed)) {
    const timespec t = to_timespec(due);
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr);
    const int64_t late = now_ns() - due;
    if (late >= kRecordedLateNs && out.size() < out.capacity()) out.push_back({cpu, due, late});
    due += kTickNs;
    if (due < now_ns()) due = now_ns() + kTickNs;  // after a long stall, skip the missed ticks
  }
}

std::vector<Stall> StallMonitor::stop() {
  stop_.store(true);
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  std::vector<Stall> all;
  for (const auto& v : per_cpu_) all.insert(all.end(), v.begin(), v.end());
  return all;
}

namespace {
// How long stall `s` and [from_ns, to_ns] overlap (negative: they do not).
int64_t overlap_ns(const Stall& s, int64_t from_ns, int64_t to_ns) {
  return std::min(to_ns, s.due_ns + s.late_ns) - std::max(from_ns, s.due_ns);
}
}  // namespace

int64_t stalled_ns(const std::vector<Stall>& stalls, int64_t from_ns, int64_t to_ns) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Stall& s : stalls)
    if (overlap_ns(s, from_ns, to_ns) > 0)
      spans.emplace_back(std::max(from_ns, s.due_ns), std::min(to_ns, s.due_ns + s.late_ns));
  std::sort(spans.begin(), spans.end());
  int64_t total = 0, covered_to = from_ns;
  for (const auto& [begin, end] : spans) {
    total += std::max<int64_t>(0, end - std::max(begin, covered_to));
    covered_to = std::max(covered_to, end);
  }
  return total;
}

void check_no_xrun_of_its_making(const nlohmann::json& report, const std::vector<Stall>& stalls) {
  const double period_ns = report["period_us"].get<double>() * 1e3, budget_ns = period_ns / 4;
  std::vector<Stall> long_stalls;
  for (const Stall& s : stalls)
    if (s.late_ns >= 1'000'000) long_stalls.push_back(s);
  std::printf("machine stalls: %zu recorded (>= 0.2 ms), %zu of 1 ms or more\n", stalls.size(), long_stalls.size());
  // The client's part of a cycle is its callback. Every callback that ran past a quarter
  // period in wall time (its thread is real-time: only the machine or a higher real-time
  // thread holds it up) did so because the machine stalled: what is left once the stalls are
  // taken out stays under a quarter period. The kernel may push a preempted real-time thread
  // to another CPU and back in the middle of a callback, and where it waited is not known, so
  // a stall of any CPU counts. The monitor asks every tick, so a stall may have begun up to
  // a tick before it saw it. A callback never waits (a voluntary context switch).
  for (const auto& c : report["long_callbacks"]) {
    const int64_t start = c["start_ns"], wall = int64_t(c["wall_us"].get<double>() * 1e3);
    const int64_t stalled = stalled_ns(stalls, start, start + wall);
    std::printf("long callback: wall %.0f us, cpu %.0f us, the machine stalled %.0f us of it; %s\n", wall * 1e-3,
                c["cpu_us"].get<double>(), stalled * 1e-3, c.dump().c_str());
    INFO("callback at " << start << " ns: " << c.dump());
    CHECK(c["waits"].get<int64_t>() == 0);
    CHECK(double(wall - stalled - StallMonitor::kTickNs) < budget_ns);
  }
  // So no xrun is of its making. For the record, how many followed a stall of 1 ms or more
  // that ended within the two periods before the client heard of it (JACK notices an xrun
  // at the next cycle and tells the clients after, from a thread that may wait its turn).
  size_t explained = 0;
  for (const auto& x : report["xrun_times_ns"]) {
    const int64_t t = x;
    explained += stalled_ns(long_stalls, t - int64_t(2 * period_ns), t) > 0;
  }
  std::printf("xruns: %zu, %zu of them within two periods after a stall of 1 ms or more\n",
              report["xrun_times_ns"].size(), explained);
  // An event goes out after its time only when cycles were missed.
  if (report["late_output"].get<int64_t>() > 0) CHECK(report["xruns"].get<int64_t>() > 0);
}

}  // namespace cadenza::live::test
