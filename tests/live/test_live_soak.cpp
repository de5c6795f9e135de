// `cadenza live --simulate`: a simulated player for a while on a private dummy JACK server
// (label soak; CADENZA_SOAK_MINUTES sets the length, 1 by default), beside a monitor of
// what stalls the machine itself (stall_monitor.h), so that an xrun, or a callback that
// ran long, is counted as the client's only when no stall of the machine explains it.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "jack_harness.h"
#include "stall_monitor.h"

using namespace cadenza::live::test;
namespace fs = std::filesystem;

TEST_CASE("jack soak: simulated playing with no xrun of its making and flat memory", "[live][soak]") {
  const char* env = std::getenv("CADENZA_SOAK_MINUTES");
  const double minutes = env ? std::atof(env) : 1.0;
  REQUIRE(minutes > 0);
  StallMonitor monitor;
  INFO("the stall monitor needs SCHED_FIFO and CPU affinity, as jackd's real-time mode does");
  REQUIRE(monitor.ok());
  DummyServer server;
  const fs::path dir = fs::temp_directory_path() / ("cadenza_live_soak_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path report_path = dir / "report.json";
  Child live({CADENZA_BINARY, "live", "--model", "bach_chorales", "--mode", "continue", "--simulate",
              std::to_string(minutes), "--name", "soak", "--report", report_path.string()},
             (dir / "live.log").string());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(minutes * 60 + 120);
  while (live.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  REQUIRE(live.stop() == 0);
  const std::vector<Stall> stalls = monitor.stop();
  std::ifstream in(report_path);
  REQUIRE(in.good());
  const nlohmann::json r = nlohmann::json::parse(in);
  INFO(r.dump());
  std::printf("soak report: %s\n", r.dump().c_str());  // the numbers docs/LIVE.md records
  CHECK(r["seconds"].get<double>() >= minutes * 60 - 1);
  CHECK(r["simulated_phrases"].get<double>() >= minutes * 10);
  CHECK(r["continuations"].get<double>() >= minutes * 5);
  CHECK(r["errors"] == 0);
  CHECK(r["dropped_input"] == 0);
  // No xrun of its making. Its own work, a callback's CPU time less the part of it the
  // machine was stalled (the monitor's wake-ups on that CPU came late), stays under a
  // quarter period; the monitor asks every tick, so a stall may have begun up to a tick
  // before it saw it.
  const double period_ns = r["period_us"].get<double>() * 1e3, budget_ns = period_ns / 4;
  size_t stalls_over_1ms = 0;
  for (const Stall& s : stalls) stalls_over_1ms += s.late_ns >= 1'000'000;
  std::printf("machine stalls: %zu recorded (>= 0.2 ms), %zu of 1 ms or more\n", stalls.size(), stalls_over_1ms);
  for (const auto& c : r["long_callbacks"]) {
    const int64_t start = c["start_ns"], wall = int64_t(c["wall_us"].get<double>() * 1e3);
    const double cpu_ns = c["cpu_us"].get<double>() * 1e3;
    std::vector<Stall> same_cpu;
    for (const Stall& s : stalls)
      if (s.cpu == c["cpu"].get<int>()) same_cpu.push_back(s);
    const Stall* s = longest_overlap(same_cpu, start, start + wall);
    const int64_t overlap = s ? std::min(start + wall, s->due_ns + s->late_ns) - std::max(start, s->due_ns) : 0;
    std::printf("long callback: cpu %.0f us, wall %.0f us, stalled %.0f us of it\n", cpu_ns * 1e-3, wall * 1e-3,
                overlap * 1e-3);
    INFO("callback at " << start << " ns: " << c.dump());
    CHECK(cpu_ns - double(overlap) - double(StallMonitor::kTickNs) < budget_ns);
  }
  // Every xrun follows a stall of the machine of a millisecond or more, ended within the
  // last two periods (JACK notices an xrun at the next cycle and tells the clients after).
  std::vector<Stall> long_stalls;
  for (const Stall& s : stalls)
    if (s.late_ns >= 1'000'000) long_stalls.push_back(s);
  for (const auto& x : r["xrun_times_ns"]) {
    const int64_t t = x;
    const Stall* s = longest_overlap(long_stalls, t - int64_t(2 * period_ns), t);
    if (s) {
      std::printf("xrun: after a stall of %.1f ms on CPU %d that ended %.1f ms before\n", s->late_ns * 1e-6, s->cpu,
                  (t - s->due_ns - s->late_ns) * 1e-6);
    } else {
      const Stall* near = longest_overlap(long_stalls, t - 1'000'000'000, t);
      std::printf("xrun: no stall of 1 ms or more in the two periods before%s\n",
                  near ? " (one in the second before)" : "");
    }
    INFO("xrun at " << t << " ns");
    CHECK(s != nullptr);
  }
  // Flat memory once warm: RSS grows by less than 8 MB over the rest of the run.
  CHECK(r["rss_warm_mb"].get<double>() > 0);
  CHECK(r["rss_max_mb"].get<double>() - r["rss_warm_mb"].get<double>() < 8);
}
