#include <catch2/catch.hpp>

#include "live/phrase.h"

using namespace cadenza::live;

TEST_CASE("phrase: held keys, the pause that ends a phrase, the history", "[live]") {
  PhraseTracker t(48000 * 60);
  REQUIRE_FALSE(t.has_phrase());
  t.feed(note_on(100, 60, 90, 1));
  t.feed(note_on(200, 64, 80, 2));
  REQUIRE(t.held() == 2);
  REQUIRE(t.epoch() == 2);
  REQUIRE_FALSE(t.ended(100000, 1000));  // keys held: never over
  t.feed(note_off(1000, 60));
  t.feed(note_off(1500, 64));
  REQUIRE(t.held() == 0);
  REQUIRE(t.last_event_frame() == 1500);
  REQUIRE_FALSE(t.ended(2499, 1000));
  REQUIRE(t.ended(2500, 1000));
  std::vector<PlayedNote> p = t.phrase(3000);
  REQUIRE(p.size() == 2);
  CHECK(p[0].on == 100);
  CHECK(p[0].off == 1000);
  CHECK(p[1].pitch == 64);
  CHECK(p[1].off == 1500);

  t.close_phrase();
  REQUIRE_FALSE(t.has_phrase());
  t.feed(note_on(5000, 67, 70, 3));  // held into the query: ends at `now`
  std::vector<PlayedNote> r = t.recent(0, 6000);
  REQUIRE(r.size() == 3);
  CHECK(r[2].pitch == 67);
  CHECK(r[2].off == 6000);
  CHECK(t.recent(1200, 6000).size() == 2);  // the note that ended at 1000 is older

  std::array<double, 12> pc = t.pitch_class_time(0, 6000, 48000);
  CHECK(pc[0] == Approx(900.0 / 48000));
  CHECK(pc[4] == Approx(1300.0 / 48000));
  CHECK(pc[7] == Approx(1000.0 / 48000));
}

TEST_CASE("phrase: stray releases and repeated strikes are ignored, old history is forgotten", "[live]") {
  PhraseTracker t(10000);
  t.feed(note_off(10, 60));  // released before we saw it pressed
  REQUIRE_FALSE(t.has_phrase());
  t.feed(note_on(20, 60, 90, 1));
  t.feed(note_on(30, 60, 90, 2));  // again while held
  REQUIRE(t.held() == 1);
  t.feed(note_off(40, 60));
  t.close_phrase();
  t.feed(note_on(50000, 62, 90, 3));
  t.feed(note_off(50100, 62));
  t.close_phrase();  // the first note ended 50000 frames ago, beyond the 10000 kept
  REQUIRE(t.recent(0, 60000).size() == 1);
}

TEST_CASE("phrase: notes become a score at the tempo, time 0 at the origin", "[live]") {
  std::vector<PlayedNote> notes{{48000, 72000, 60, 90}, {72000, 96000, 62, 0}};
  cadenza::music::Score s = notes_to_score(notes, 48000, 48000, 120);
  REQUIRE(s.tracks.size() == 1);
  REQUIRE(s.tracks[0].notes.size() == 2);
  CHECK(s.tracks[0].notes[0].start == 0);
  CHECK(s.tracks[0].notes[0].end == 480);  // half a second at 120 BPM: a quarter
  CHECK(s.tracks[0].notes[1].start == 480);
  CHECK(s.tracks[0].notes[1].velocity == 1);  // a score note always sounds
}
