#include <catch2/catch.hpp>

#include "alloc_counter.h"
#include "live/rt_scheduler.h"

using namespace cadenza::live;

namespace {

struct Out {
  uint32_t offset;
  uint8_t status, pitch;
};

std::vector<Out> period(RtScheduler& rt, int64_t start, uint32_t n, std::vector<Out>* sink = nullptr) {
  std::vector<Out> got;
  got.reserve(64);
  rt.begin_period(start, n);
  rt.emit_due([&](uint32_t off, const uint8_t* b, uint32_t) { got.push_back({off, b[0], b[1]}); });
  rt.end_period();
  if (sink) *sink = got;
  return got;
}

}  // namespace

TEST_CASE("rt scheduler: inputs are stamped and queued, a note-on starts an epoch", "[live]") {
  Channels ch;
  RtScheduler rt(ch);
  rt.begin_period(1000, 128);
  const uint8_t on[3] = {0x91, 60, 100}, off[3] = {0x81, 60, 0}, sysex[3] = {0xf0, 1, 2};
  rt.input(on, 3, 5);
  rt.input(sysex, 3, 6);  // not a channel message: not passed on
  rt.input(off, 3, 7);
  rt.end_period();
  REQUIRE(ch.epoch.load() == 1);
  REQUIRE(ch.now.load() == 1000);
  MidiEvent e;
  REQUIRE(ch.input.pop(e));
  CHECK(e.frame == 1005);
  CHECK(e.is_note_on());
  CHECK(e.epoch == 1);
  REQUIRE(ch.input.pop(e));
  CHECK(e.frame == 1007);
  CHECK(e.is_note_off());
  CHECK_FALSE(ch.input.pop(e));
}

TEST_CASE("rt scheduler: output in time order within its period, late output at once", "[live]") {
  Channels ch;
  RtScheduler rt(ch);
  REQUIRE(ch.output.push(note_on(300, 64, 90, 0)));
  REQUIRE(ch.output.push(note_on(130, 60, 90, 0)));
  REQUIRE(ch.output.push(note_off(300, 60, 0)));  // same frame as 64's strike: posted after it, stays after
  REQUIRE(ch.output.push(note_off(600, 64, 0)));
  REQUIRE(period(rt, 0, 128).empty());
  std::vector<Out> p1 = period(rt, 128, 256);  // frames 128..383
  REQUIRE(p1.size() == 3);
  CHECK((p1[0].offset == 2 && p1[0].status == 0x90 && p1[0].pitch == 60));
  CHECK((p1[1].offset == 172 && p1[1].status == 0x90 && p1[1].pitch == 64));
  CHECK((p1[2].offset == 172 && p1[2].status == 0x80 && p1[2].pitch == 60));
  REQUIRE(rt.pending() == 1);
  std::vector<Out> p2 = period(rt, 1000, 256);  // frame 600 has passed: played first thing
  REQUIRE(p2.size() == 1);
  CHECK(p2[0].offset == 0);
  CHECK(ch.late_output.load() == 1);
}

TEST_CASE("rt scheduler: when the player plays on, the answer stops and no note hangs", "[live]") {
  Channels ch;
  RtScheduler rt(ch);
  const uint8_t on[3] = {0x90, 60, 100};
  rt.begin_period(0, 256);
  rt.input(on, 3, 0);  // epoch 1
  rt.end_period();
  REQUIRE(ch.output.push(note_on(300, 70, 90, 1)));
  REQUIRE(ch.output.push(note_off(2000, 70, 1)));
  REQUIRE(ch.output.push(note_on(1000, 72, 90, 1)));
  REQUIRE(ch.output.push(note_off(1100, 72, 1)));
  REQUIRE(ch.output.push(note_on(700, 48, 60, kEveryEpoch)));  // accompaniment: never stale
  REQUIRE(period(rt, 256, 256).size() == 1);                   // 70 struck
  rt.begin_period(512, 256);
  rt.input(on, 3, 10);  // the player again: epoch 2
  std::vector<Out> got;
  rt.emit_due([&](uint32_t off, const uint8_t* b, uint32_t) { got.push_back({off, b[0], b[1]}); });
  rt.end_period();
  // 70 released at once, 72 never struck, the chord note kept at its time.
  REQUIRE(got.size() == 2);
  CHECK((got[0].offset == 0 && got[0].status == 0x80 && got[0].pitch == 70));
  CHECK((got[1].offset == 188 && got[1].pitch == 48));
  CHECK(ch.stale_output.load() == 2);
  REQUIRE(period(rt, 768, 2048).empty());
  CHECK(rt.pending() == 0);
}

TEST_CASE("rt scheduler: a period never allocates", "[live]") {
  Channels ch;
  RtScheduler rt(ch);
  for (int i = 0; i < 500; ++i) {
    REQUIRE(ch.output.push(note_on(i * 100, 40 + i % 40, 90, kEveryEpoch)));
    REQUIRE(ch.output.push(note_off(i * 100 + 50, 40 + i % 40, kEveryEpoch)));
  }
  const uint8_t on[3] = {0x90, 60, 100}, off[3] = {0x80, 60, 0};
  uint64_t emitted = 0, allocations = 0;
  {
    cadenza::test::CountAllocations count;
    for (int64_t start = 0; start < 60000; start += 256) {
      rt.begin_period(start, 256);
      rt.input(on, 3, 3);
      rt.input(off, 3, 9);
      rt.emit_due([&](uint32_t, const uint8_t*, uint32_t) { ++emitted; });
      rt.end_period();
    }
    allocations = count.count();
  }
  CHECK(emitted > 0);
  CHECK(allocations == 0);
  // The counter does count: a vector that grows inside the scope is seen.
  cadenza::test::CountAllocations count;
  std::vector<int> v(100);
  CHECK(count.count() >= 1);
}

TEST_CASE("rt scheduler: MIDI clock sets the beat grid and the tempo", "[live]") {
  Channels ch;
  RtScheduler rt(ch);
  const uint8_t start[1] = {0xfa}, tick[1] = {0xf8};
  rt.begin_period(0, 256);
  rt.input(start, 1, 10);
  rt.end_period();
  CHECK(ch.clock_frames_per_beat.load() == 0);
  // 120 BPM at 48 kHz: 24 ticks a beat, one every 1000 frames, from frame 5000.
  for (int64_t t = 0; t <= 48; ++t) {
    rt.begin_period(5000 + t * 1000, 1000);
    rt.input(tick, 1, 0);
    rt.end_period();
    if (t == 0) CHECK(ch.beat_origin.load() == 5000);
  }
  CHECK(ch.clock_frames_per_beat.load() == 24000);
  CHECK(ch.beat_origin.load() == 5000 + 48000);
  CHECK(ch.clock_last_tick.load() == 5000 + 48000);
  MidiEvent e;
  CHECK_FALSE(ch.input.pop(e));  // clock is not the player's music
}
