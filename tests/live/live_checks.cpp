#include "live_checks.h"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <thread>

#include "models/registry.h"

namespace cadenza::live::test {

std::shared_ptr<models::Model> tiny_model(const std::string& family) {
  nlohmann::json overrides = nlohmann::json::object();
  if (family == "performance_rnn" || family == "poly_rnn") overrides = {{"hidden", 32}};
  if (family == "music_transformer")
    overrides = {{"layers", 1}, {"d_model", 32}, {"heads", 2}, {"d_ff", 64}, {"max_length", 64}};
  auto model = models::make_model(family, "small", overrides);
  model->eval();
  return model;
}

void Drive::run(const std::vector<MidiEvent>& input, int64_t until, int wall_us) {
  size_t next = 0;
  RtScheduler& rt = engine.rt();
  while (clock < until) {
    rt.begin_period(clock, kPeriod);
    for (; next < input.size() && input[next].frame < clock + kPeriod; ++next) {
      const uint8_t bytes[3] = {input[next].status, input[next].data1, input[next].data2};
      rt.input(bytes, input[next].size, uint32_t(std::max<int64_t>(0, input[next].frame - clock)));
    }
    rt.emit_due(
        [&](uint32_t offset, const uint8_t* b, uint32_t size) { out.push_back(from_bytes(clock + offset, b, size)); });
    rt.end_period();
    clock += kPeriod;
    std::this_thread::sleep_for(std::chrono::microseconds(wall_us));
  }
}

void Drive::run_until_quiet(int64_t max_frames, int64_t quiet_frames, int wall_us) {
  const int64_t limit = clock + max_frames;
  while (clock < limit) {
    const size_t before = out.size();
    run({}, clock + quiet_frames, wall_us);
    if (out.size() == before && !out.empty() && engine.rt().pending() == 0 && engine.channels().output.empty()) return;
  }
}

void check_note_stream(const std::vector<MidiEvent>& events) {
  std::array<int, 128> sounding{};
  int64_t last = INT64_MIN;
  for (const MidiEvent& e : events) {
    INFO("event at frame " << e.frame << " status " << int(e.status) << " pitch " << int(e.data1));
    REQUIRE((e.is_note_on() || e.is_note_off()));
    REQUIRE(e.data1 < 128);
    REQUIRE(e.frame >= last);
    last = e.frame;
    if (e.is_note_on()) {
      REQUIRE(e.data2 >= 1);
      REQUIRE(e.data2 <= 127);
      REQUIRE(sounding[e.data1] == 0);
      sounding[e.data1] = 1;
    } else {
      REQUIRE(sounding[e.data1] == 1);
      sounding[e.data1] = 0;
    }
  }
  for (int p = 0; p < 128; ++p) {
    INFO("pitch " << p);
    REQUIRE(sounding[size_t(p)] == 0);
  }
}

void check_gen_events(const std::vector<GenEvent>& events, double seconds) {
  std::array<int, 128> sounding{};
  double last = 0;
  for (const GenEvent& e : events) {
    INFO("event at " << e.time << " s, pitch " << int(e.pitch) << (e.on ? " on" : " off"));
    REQUIRE(e.time >= last);
    REQUIRE(e.time <= seconds + 1.0 + 1e-9);  // a time shift may overshoot by at most 1 s
    last = e.time;
    REQUIRE(e.pitch < 128);
    if (e.on) {
      REQUIRE(e.velocity >= 1);
      REQUIRE(sounding[e.pitch] == 0);
      sounding[e.pitch] = 1;
    } else {
      REQUIRE(sounding[e.pitch] == 1);
      sounding[e.pitch] = 0;
    }
  }
  for (int p = 0; p < 128; ++p) REQUIRE(sounding[size_t(p)] == 0);
}

std::vector<MidiEvent> phrase(const std::vector<int>& pitches, int64_t start, int64_t note_frames) {
  std::vector<MidiEvent> events;
  int64_t t = start;
  for (int p : pitches) {
    events.push_back(note_on(t, p, 90));
    events.push_back(note_off(t + note_frames - 1, p));
    t += note_frames;
  }
  return events;
}

}  // namespace cadenza::live::test
