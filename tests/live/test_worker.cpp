#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "live_checks.h"

using namespace cadenza::live;
using namespace cadenza::live::test;

namespace {

constexpr int kRealTimeUs = int(1e6 * kPeriod / kRate);  // one period of wall time per period

ControlValues values(Mode mode) {
  ControlValues v;
  v.mode = mode;
  v.pause_ms = 300;
  v.length_beats = 4;  // 2 s at 120 BPM
  v.density = 16;
  return v;
}

int64_t first_note_on(const std::vector<MidiEvent>& out) {
  for (const MidiEvent& e : out)
    if (e.is_note_on()) return e.frame;
  return -1;
}

}  // namespace

TEST_CASE("worker: continue answers one pause after the last release, and stops", "[live]") {
  for (const char* family : {"performance_rnn", "poly_rnn", "music_transformer"}) {
    INFO(family);
    LiveEngine engine(tiny_model(family), {.sample_rate = kRate, .seed = 1});
    store(engine.controls(), values(Mode::continue_phrase));
    engine.start();
    Drive d(engine);
    std::vector<MidiEvent> in = phrase({60, 62, 64, 65}, 4800, 9600);
    const int64_t last = in.back().frame, pause = int64_t(0.3 * kRate);
    d.run(in, last + 1, kRealTimeUs);
    d.run_until_quiet(int64_t(6 * kRate), int64_t(0.5 * kRate), kRealTimeUs);
    engine.stop();
    REQUIRE(engine.worker().last_error() == "");
    check_note_stream(d.out);
    const int64_t first = first_note_on(d.out);
    REQUIRE(first >= 0);
    CHECK(first >= last + pause);
    CHECK(first < last + pause + kPeriod);  // on time: computed within the pause
    CHECK(engine.channels().late_output.load() == 0);
    // Nothing past the length (+ the 1 s a performance time shift may overshoot).
    CHECK(d.out.back().frame <= last + pause + int64_t(3.0 * kRate));
    CHECK(engine.worker().stats().continuations.load() == 1);
  }
}

TEST_CASE("worker: answer lasts as long as the call, continue as long as its length", "[live]") {
  int64_t span[2] = {0, 0};
  for (Mode mode : {Mode::answer, Mode::continue_phrase}) {
    LiveEngine engine(tiny_model("poly_rnn"), {.sample_rate = kRate, .seed = 2});
    store(engine.controls(), values(mode));
    engine.start();
    Drive d(engine);
    std::vector<MidiEvent> in = phrase({60, 62, 64, 65}, 4800, 9600);  // 0.8 s
    const int64_t start = in.back().frame + int64_t(0.3 * kRate);
    d.run(in, in.back().frame + 1, kRealTimeUs);
    d.run_until_quiet(int64_t(5 * kRate), int64_t(0.6 * kRate), kRealTimeUs);
    engine.stop();
    check_note_stream(d.out);
    REQUIRE(!d.out.empty());
    span[mode == Mode::answer ? 0 : 1] = d.out.back().frame - start;
  }
  // poly_rnn's frames are quarters (0.5 s): the 0.8 s call is answered in 2 frames (1 s),
  // the 4-beat continuation takes 4 (2 s).
  CHECK(span[0] <= int64_t(1.0 * kRate));
  CHECK(span[1] > int64_t(1.5 * kRate));
  CHECK(span[1] <= int64_t(2.0 * kRate));
}

TEST_CASE("worker: playing on within the pause drops the pending answer", "[live]") {
  LiveEngine engine(tiny_model("performance_rnn"), {.sample_rate = kRate, .seed = 3});
  store(engine.controls(), values(Mode::continue_phrase));
  engine.start();
  Drive d(engine);
  std::vector<MidiEvent> in = phrase({60, 62, 64}, 4800, 9600);
  const int64_t pause = int64_t(0.3 * kRate);
  const int64_t again = in.back().frame + pause / 2;  // before the answer was due
  std::vector<MidiEvent> more = phrase({67, 65}, again, 9600);
  in.insert(in.end(), more.begin(), more.end());
  d.run(in, in.back().frame + 1, kRealTimeUs);
  d.run_until_quiet(int64_t(6 * kRate), int64_t(0.5 * kRate), kRealTimeUs);
  engine.stop();
  check_note_stream(d.out);
  // Nothing of the first answer sounded: the first note-on answers the whole phrase.
  CHECK(first_note_on(d.out) >= in.back().frame + pause);
  const uint64_t dropped = engine.channels().stale_output.load() + engine.worker().stats().cancelled.load();
  CHECK(dropped >= 1);
  CHECK(engine.worker().stats().continuations.load() == 2);
}

TEST_CASE("worker: accompany plays the chord of the last beat on each beat", "[live]") {
  LiveEngine engine(tiny_model("performance_rnn"), {.sample_rate = kRate, .seed = 4});
  ControlValues v = values(Mode::accompany);
  v.density = 6;  // 3 voices at 120 BPM
  store(engine.controls(), v);
  engine.start();
  Drive d(engine);
  const int64_t beat = int64_t(kRate / 2);
  // C, E and G held over four beats, then silence.
  std::vector<MidiEvent> in{note_on(1000, 60, 80),  note_on(1100, 64, 80),  note_on(1200, 67, 80),
                            note_off(4 * beat, 60), note_off(4 * beat, 64), note_off(4 * beat, 67)};
  d.run(in, 7 * beat, kRealTimeUs);
  engine.stop();
  check_note_stream(d.out);
  std::set<int64_t> beats;
  for (const MidiEvent& e : d.out) {
    if (!e.is_note_on()) continue;
    CHECK(e.frame % beat == 0);
    CHECK((e.data1 == 48 || e.data1 == 55 || e.data1 == 64));
    beats.insert(e.frame / beat);
  }
  // Beats 1..4 follow a beat with C E G sounding; after beat 4 nothing sounds, nothing is played.
  CHECK(beats == std::set<int64_t>{1, 2, 3, 4});
  CHECK(engine.channels().late_output.load() == 0);
}

TEST_CASE("worker: accompany locks to a MIDI clock", "[live]") {
  LiveEngine engine(tiny_model("performance_rnn"), {.sample_rate = kRate, .seed = 5});
  ControlValues v = values(Mode::accompany);
  v.density = 5;      // 3 voices at the clock's 100 BPM
  v.tempo_bpm = 120;  // overruled by the clock
  store(engine.controls(), v);
  engine.start();
  Drive d(engine);
  const int64_t beat = int64_t(kRate * 60 / 100), origin = 5000;
  std::vector<MidiEvent> in;
  in.push_back({origin - 100, 0, 0xfa, 0, 0, 1});
  for (int64_t t = 0; t <= 7 * 24; ++t) in.push_back({origin + t * beat / 24, 0, 0xf8, 0, 0, 1});
  for (int p : {60, 64, 67}) in.push_back(note_on(origin + 1000, p, 80));
  for (int p : {60, 64, 67}) in.push_back(note_off(origin + 4 * beat, p));
  std::stable_sort(in.begin(), in.end(), [](const MidiEvent& a, const MidiEvent& b) { return a.frame < b.frame; });
  d.run(in, origin + 7 * beat, kRealTimeUs);
  engine.stop();
  check_note_stream(d.out);
  std::set<int64_t> beats;
  for (const MidiEvent& e : d.out) {
    if (!e.is_note_on()) continue;
    CHECK((e.frame - origin) % beat == 0);
    beats.insert((e.frame - origin) / beat);
  }
  // The grid is known from the clock's second beat on; C E G sound until beat 4.
  CHECK(beats == std::set<int64_t>{2, 3, 4});
}
