// `cadenza live` on a private dummy JACK server: a phrase in, the answer out (label quick).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "jack_harness.h"
#include "live_checks.h"
#include "stall_monitor.h"

using namespace cadenza::live;
using namespace cadenza::live::test;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

nlohmann::json read_report(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("jack: cadenza live answers a phrase played into it, in range and on time", "[live][jack]") {
  StallMonitor monitor;  // without real-time rights it cannot tell the machine's stalls apart
  DummyServer server;
  const fs::path dir = scratch("cadenza_live_jack");
  Child live(
      {CADENZA_BINARY, "live", "--model", "bach_chorales", "--mode", "continue", "--pause-ms", "300", "--length", "4",
       "--tempo", "120", "--name", "under_test", "--duration", "60", "--report", (dir / "report.json").string()},
      (dir / "live.log").string());
  INFO("cadenza live's log: " << (dir / "live.log").string());
  REQUIRE(wait_for_port("under_test:out", 60));
  TestClient player("player"), listener("listener");
  player.connect_to("under_test:in");
  listener.connect_from("under_test:out");
  const double sr = player.sample_rate();
  const int64_t pause = int64_t(0.3 * sr);
  std::vector<MidiEvent> call = phrase({60, 62, 64, 65, 67}, int64_t(0.1 * sr), int64_t(0.2 * sr));
  const int64_t last = player.play(call) + call.back().frame;
  // The answer: 4 beats (2 s) from one pause after the release; then a second of quiet.
  const int64_t until = last + pause + int64_t(3.0 * sr);
  for (int i = 0; i < 300 && listener.now() < until; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(live.stop() == 0);
  const std::vector<Stall> stalls = monitor.stop();

  const std::vector<MidiEvent> got = listener.received();
  REQUIRE(!got.empty());
  check_note_stream(got);  // valid MIDI, every note released, nothing left sounding
  int64_t first = -1;
  for (const MidiEvent& e : got) {
    CHECK(e.data1 >= 21);  // the piano roll's keys, A0..C8
    CHECK(e.data1 <= 108);
    if (first < 0 && e.is_note_on()) first = e.frame;
  }
  // The timing contract: the answer starts exactly one pause after the last release
  // (within the period that holds that frame), never before it.
  CHECK(first >= last + pause);
  CHECK(first < last + pause + player.period());
  CHECK(got.back().frame <= last + pause + int64_t(2.0 * sr));

  const nlohmann::json report = read_report(dir / "report.json");
  INFO(report.dump());
  CHECK(report["errors"] == 0);
  CHECK(report["continuations"].get<int>() >= 1);
  CHECK(report["dropped_input"] == 0);
  if (monitor.ok()) {
    check_no_xrun_of_its_making(report, stalls);
  } else {
    // Then nothing may go out late and the callback's CPU time, stalls included, stays
    // under a quarter period.
    CHECK(report["late_output"] == 0);
    CHECK(report["max_process_cpu_us"].get<double>() < report["period_us"].get<double>() / 4);
  }
}

TEST_CASE("jack: controls typed while it runs switch it to accompany at a new tempo", "[live][jack]") {
  DummyServer server;
  const fs::path dir = scratch("cadenza_live_controls");
  Child live({CADENZA_BINARY, "live", "--model", "bach_chorales", "--mode", "continue", "--name", "under_test",
              "--duration", "60", "--density", "5"},
             (dir / "live.log").string(), true);
  INFO("cadenza live's log: " << (dir / "live.log").string());
  REQUIRE(wait_for_port("under_test:out", 60));
  live.write_stdin("mode accompany\ntempo 100\n");
  TestClient player("player"), listener("listener");
  player.connect_to("under_test:in");
  listener.connect_from("under_test:out");
  const double sr = player.sample_rate();
  const int64_t beat = int64_t(sr * 60 / 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the commands are read every 100 ms
  // C, E and G held for four beats: chords (C major, 3 voices at 100 BPM) on the beats of
  // the JACK clock at the typed tempo.
  std::vector<MidiEvent> chord{note_on(0, 60, 80),     note_on(0, 64, 80),     note_on(0, 67, 80),
                               note_off(4 * beat, 60), note_off(4 * beat, 64), note_off(4 * beat, 67)};
  const int64_t base = player.play(chord);
  for (int i = 0; i < 300 && listener.now() < base + 6 * beat; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(live.stop() == 0);
  const std::vector<MidiEvent> got = listener.received();
  check_note_stream(got);
  std::set<int64_t> beats;
  for (const MidiEvent& e : got) {
    if (!e.is_note_on()) continue;
    CHECK(e.frame % beat == 0);  // on the grid of the typed tempo (120 BPM's would be 24000)
    CHECK((e.data1 == 48 || e.data1 == 55 || e.data1 == 64));
    beats.insert(e.frame / beat);
  }
  CHECK(beats.size() >= 3);
}

TEST_CASE("jack: without a server cadenza live says so in one line", "[live][jack]") {
  const fs::path dir = scratch("cadenza_live_noserver");
  setenv("JACK_DEFAULT_SERVER", "cadenza_no_such_server", 1);
  Child live({CADENZA_BINARY, "live", "--model", "bach_chorales", "--duration", "1"}, (dir / "log").string());
  for (int i = 0; i < 600 && live.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(live.stop() == 1);
  std::ifstream in(dir / "log");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("cadenza: error: live: cannot reach a JACK server"));
}
