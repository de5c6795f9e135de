// The LV2 plugin in `lv2info` and in a small lilv host (lv2_host.h), on the bundle the
// build lays out (live/lv2/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "live_checks.h"
#include "lv2_host.h"

using namespace cadenza::live;
using namespace cadenza::live::test;

namespace {

enum Port : uint32_t { kMode = 2, kTemperature, kLength, kDensity, kKey, kPause, kTempo };

std::string capture(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  status = pclose(pipe);
  return out;
}

// Runs blocks in real time (so the host's worker thread keeps pace as in a DAW) until
// `until`, feeding `input`; returns the heap allocations all those run() calls made.
uint64_t play(Lv2Host& host, const std::vector<MidiEvent>& input, int64_t until, double bpm = 0) {
  uint64_t allocations = 0;
  size_t next = 0;
  const auto block = std::chrono::microseconds(int64_t(1e6 * Lv2Host::kBlock / Lv2Host::kRate));
  auto due = std::chrono::steady_clock::now();
  while (host.frame() < until) {
    std::vector<MidiEvent> now;
    for (; next < input.size() && input[next].frame < host.frame() + Lv2Host::kBlock; ++next)
      now.push_back(input[next]);
    const double fpb = Lv2Host::kRate * 60 / (bpm > 0 ? bpm : 120);
    allocations += host.run_block(now, bpm, std::fmod(double(host.frame()) / fpb, 4.0));
    due += block;
    std::this_thread::sleep_until(due);
  }
  return allocations;
}

}  // namespace

TEST_CASE("lv2: lv2info describes the plugin from its bundle", "[live][lv2]") {
  int status = -1;
  const std::string out = capture("LV2_PATH='" CADENZA_LV2_PARENT "' lv2info urn:cadenza:live 2>&1", status);
  INFO(out);
  REQUIRE(status == 0);
  CHECK_THAT(out, Catch::Contains("cadenza live"));
  CHECK_THAT(out, Catch::Contains("http://lv2plug.in/ns/ext/worker#interface"));
  CHECK_THAT(out, Catch::Contains("http://lv2plug.in/ns/ext/state#interface"));
  for (const char* port :
       {"events_in", "events_out", "mode", "temperature", "length", "density", "key", "pause", "tempo"})
    CHECK_THAT(out, Catch::Contains(std::string("Symbol:      ") + port));
}

TEST_CASE("lv2: a lilv host plays a phrase in run() blocks, the answer comes out, run() never allocates",
          "[live][lv2]") {
  Lv2Host host(CADENZA_LV2_BUNDLE, "urn:cadenza:live");
  host.set_control(kMode, 0);
  host.set_control(kPause, 300);
  host.set_control(kLength, 4);
  const int64_t pause = int64_t(0.3 * Lv2Host::kRate);
  std::vector<MidiEvent> call = phrase({60, 62, 64, 65, 67}, 4800, 9600);
  const int64_t last = call.back().frame;
  const uint64_t allocations = play(host, call, last + pause + int64_t(3.0 * Lv2Host::kRate));
  CHECK(allocations == 0);
  const std::vector<MidiEvent>& got = host.output();
  REQUIRE(!got.empty());
  check_note_stream(got);
  int64_t first = -1;
  for (const MidiEvent& e : got) {
    CHECK(e.data1 >= 21);
    CHECK(e.data1 <= 108);
    if (first < 0 && e.is_note_on()) first = e.frame;
  }
  CHECK(first >= last + pause);
  CHECK(first < last + pause + Lv2Host::kBlock);
}

TEST_CASE("lv2: accompany follows the host's tempo and beat", "[live][lv2]") {
  Lv2Host host(CADENZA_LV2_BUNDLE, "urn:cadenza:live");
  host.set_control(kMode, 2);
  host.set_control(kDensity, 5);  // 3 voices at 100 BPM
  host.set_control(kTempo, 120);  // ignored: the host sends 100
  const int64_t beat = int64_t(Lv2Host::kRate * 60 / 100);
  std::vector<MidiEvent> in{note_on(1000, 60, 80),  note_on(1100, 64, 80),  note_on(1200, 67, 80),
                            note_off(4 * beat, 60), note_off(4 * beat, 64), note_off(4 * beat, 67)};
  CHECK(play(host, in, 7 * beat, 100) == 0);
  check_note_stream(host.output());
  std::set<int64_t> beats;
  for (const MidiEvent& e : host.output()) {
    if (!e.is_note_on()) continue;
    CHECK(e.frame % beat == 0);
    CHECK((e.data1 == 48 || e.data1 == 55 || e.data1 == 64));
    beats.insert(e.frame / beat);
  }
  CHECK(beats == std::set<int64_t>{1, 2, 3, 4});
}

TEST_CASE("lv2: the session keeps the model, and restoring one loads it", "[live][lv2]") {
  Lv2Host host(CADENZA_LV2_BUNDLE, "urn:cadenza:live");
  CHECK_THAT(host.state_turtle(), Catch::Contains("\"bach_chorales\""));
  host.restore_model("no_such_model_anywhere");  // refused: the model loaded before stays
  CHECK_THAT(host.state_turtle(), Catch::Contains("\"bach_chorales\""));
  const std::string dir = CADENZA_SOURCE_DIR "/zoo/bach_chorales";  // the same model, as a run directory
  host.restore_model(dir);
  CHECK_THAT(host.state_turtle(), Catch::Contains("\"" + dir + "\""));
  // It plays with the restored model.
  std::vector<MidiEvent> call = phrase({60, 64, 67}, 4800, 9600);
  CHECK(play(host, call, call.back().frame + int64_t(1.5 * Lv2Host::kRate)) == 0);
  CHECK(!host.output().empty());
}
