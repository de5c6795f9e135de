// Score helpers: the tempo map, bars, resampling.
#include <catch2/catch.hpp>

#include "music/score/time_map.h"
#include "score_builders.h"

using namespace cadenza::music;

TEST_CASE("ticks to seconds through a tempo map, and back", "[score]") {
  Score s = test::one_track({{0, 480, 60, 90}}, 480);
  CHECK(TimeMap(s).seconds(960) == Approx(1.0));  // no tempo: 120 BPM
  s.tempos = {{0, 1000000}, {960, 250000}};       // 60 BPM, then 240 BPM from beat 2
  const TimeMap t(s);
  CHECK(t.seconds(480) == Approx(1.0));
  CHECK(t.seconds(960) == Approx(2.0));
  CHECK(t.seconds(1440) == Approx(2.25));
  CHECK(t.beats(1440) == Approx(3.0));
  for (int64_t tick : {0, 1, 479, 960, 1000, 5000}) CHECK(t.tick_at(t.seconds(tick)) == tick);
  // A later tempo at the same tick wins.
  s.tempos = {{0, 1000000}, {0, 500000}};
  CHECK(TimeMap(s).seconds(480) == Approx(0.5));
}

TEST_CASE("bars, resampling and channels", "[score]") {
  CHECK(bar_ticks({0, 4, 4}, 480) == 1920);
  CHECK(bar_ticks({0, 6, 8}, 480) == 1440);
  CHECK(bar_ticks({0, 3, 4}, 96) == 288);
  Score s = test::one_track({{0, 480, 60, 90}, {240, 720, 62, 90}}, 480);
  s.tempos = {{480, 400000}};
  const Score r = resample(s, 96);
  CHECK(r.ticks_per_quarter == 96);
  CHECK(r.tracks[0].notes[1] == Note{48, 144, 62, 90});
  CHECK(r.tempos[0].tick == 96);
  CHECK(r.end_tick() == 144);
  CHECK(melodic_channel(8) == 8);
  CHECK(melodic_channel(9) == 10);
  CHECK(melodic_channel(14) == 15);
  CHECK(melodic_channel(15) == 0);
}

TEST_CASE("an excerpt cuts notes at its ends and keeps the tempo and metre in force", "[score]") {
  Score s = test::one_track({{0, 960, 60, 90}, {480, 1440, 62, 80}, {1440, 1920, 64, 70}, {2000, 2400, 65, 60}}, 480);
  s.tempos = {{0, 500000}, {960, 400000}, {1920, 300000}};
  s.time_signatures = {{0, 3, 4}, {1440, 4, 4}};
  s.tracks[0].controls = {{500, 64, 127}, {1500, 64, 0}};
  const Score e = excerpt(s, 720, 1920);
  REQUIRE(e.tracks.size() == 1);
  const std::vector<Note> expected = {{0, 240, 60, 90}, {0, 720, 62, 80}, {720, 1200, 64, 70}};
  CHECK(e.tracks[0].notes == expected);
  CHECK(e.tempos == std::vector<Tempo>{{0, 500000}, {240, 400000}});
  CHECK(e.time_signatures == std::vector<TimeSignature>{{0, 3, 4}, {720, 4, 4}});
  CHECK(e.tracks[0].controls == std::vector<ControlChange>{{780, 64, 0}});
  CHECK(e.end_tick() == 1200);
  // A change exactly at the start replaces the one before it.
  CHECK(excerpt(s, 960, 1000).tempos == std::vector<Tempo>{{0, 400000}});
  // Nothing sounding: the track stays, empty.
  CHECK(excerpt(s, 2400, 3000).tracks[0].notes.empty());
}
