// A corpus build killed at any moment and run again gives the store an uninterrupted build
// gives, byte for byte: shards are written atomically and a finished one is kept.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "tests/models/cli_checks.h"
#include "tests/support/test_data.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> store_bytes(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    out[e.path().filename().string()] = cadenza::test::read_bytes(e.path());
  return out;
}

// Runs `cadenza corpus build` into `out`; kills it with SIGKILL after `kill_after` (if it
// has not finished). Returns true if it was killed before it ended.
bool build(const fs::path& out, std::chrono::microseconds kill_after) {
  const std::string folder = cadenza::test::test_data("freedoom").string(), target = out.string();
  const char* argv[] = {
      CADENZA_BINARY, "corpus", "build", folder.c_str(), "--out", target.c_str(), "--files-per-shard", "1",
      "--jobs",       "2",      nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, CADENZA_BINARY, &actions, nullptr, const_cast<char**>(argv), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  const auto deadline = Clock::now() + kill_after;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return WIFSIGNALED(status);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return false;
}

}  // namespace

TEST_CASE("corpus build: a rerun after kills at random moments gives the uninterrupted store", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "resume");
  // Two uninterrupted builds: they must agree, and the quicker one sets the kill window
  // (the first run of a binary is often slower: the page cache is cold).
  auto timed = [&](const fs::path& out) {
    const auto start = Clock::now();
    build(out, std::chrono::hours(1));
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  };
  const auto run = std::min(timed(tmp.path / "reference"), timed(tmp.path / "reference2"));
  const auto reference = store_bytes(tmp.path / "reference");
  REQUIRE(reference.count("config.json") == 1);
  REQUIRE(store_bytes(tmp.path / "reference2") == reference);
  const auto seed = static_cast<unsigned>(std::random_device{}());
  INFO("seed " << seed << ", an uninterrupted build takes " << run.count() << " us");
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> moment(0.0, 1.1);
  int trials = 0, killed = 0, killed_mid_build = 0;
  // Until enough kills have left a store half built (kills while the program starts, before
  // the store folder exists, test little), within a bound on the trials.
  for (; trials < 40 && (trials < 6 || killed_mid_build < 6); ++trials) {
    const fs::path out = tmp.path / ("trial" + std::to_string(trials));
    // One to three kills in a row, each at a random moment of a run, then a rerun to the end.
    for (int k = 0; k <= trials % 3; ++k) {
      const auto at = std::chrono::microseconds(static_cast<int64_t>(moment(rng) * static_cast<double>(run.count())));
      if (!build(out, at)) continue;
      ++killed;
      if (fs::exists(out) && !fs::exists(out / "config.json")) ++killed_mid_build;
    }
    build(out, std::chrono::hours(1));
    INFO("trial " << trials);
    const auto store = store_bytes(out);
    std::string names, reference_names;  // what differs, if a file is extra or missing
    for (const auto& [name, bytes] : store) names += name + " ";
    for (const auto& [name, bytes] : reference) reference_names += name + " ";
    CHECK(names == reference_names);
    CHECK(store == reference);
    fs::remove_all(out);
  }
  INFO(trials << " trials, " << killed << " runs killed before they ended, " << killed_mid_build
              << " with a store half built");
  CHECK(killed_mid_build >= 6);
}

TEST_CASE("corpus info tells pieces, shards and splits, and a folder that is no store is one error line", "[corpus]") {
  cadenza::test::TempDir tmp("corpus", "info");
  build(tmp.path / "store", std::chrono::hours(1));
  const auto r = cadenza::music::test::run_cadenza("corpus info " + (tmp / "store"));
  cadenza::test::require_ok(r);
  CHECK_THAT(r.out, Catch::Contains("tokenizer  remi"));
  CHECK_THAT(r.out, Catch::Contains("shards     18"));
  for (const char* split : {"train ", "valid ", "test "}) CHECK_THAT(r.out, Catch::Contains(split));
  const auto json = cadenza::music::test::run_cadenza("corpus info --json " + (tmp / "store"));
  cadenza::test::require_ok(json);
  CHECK_THAT(json.out, Catch::Contains("\"format\": \"cadenza-corpus-store\""));
  fs::create_directories(tmp.path / "empty");
  cadenza::test::check_one_line_error(cadenza::music::test::run_cadenza("corpus info " + (tmp / "empty")),
                                      "interrupted build");
}
