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
  check_no_xrun_of_its_making(r, stalls);
  // Flat memory once warm: RSS grows by less than 8 MB over the rest of the run.
  CHECK(r["rss_warm_mb"].get<double>() > 0);
  CHECK(r["rss_max_mb"].get<double>() - r["rss_warm_mb"].get<double>() < 8);
}
