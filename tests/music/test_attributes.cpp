// The melody attributes of music/metrics/attributes.h on hand-made melodies, values
// worked out in the comments (tpq 4: one tick per 16th).
#include <catch2/catch.hpp>

#include "music/metrics/attributes.h"
#include "score_builders.h"

using namespace cadenza::music;
using namespace cadenza::music::metrics;
using test::one_track;

TEST_CASE("note density: onsets per quarter over the segment or up to the last note", "[metrics][attributes]") {
  // Four quarter notes then four 8ths: 8 onsets; the last note ends at tick 24 = 6 quarters.
  const Score s = one_track({{0, 4, 60, 80},
                             {4, 8, 62, 80},
                             {8, 12, 64, 80},
                             {12, 16, 65, 80},
                             {16, 18, 67, 80},
                             {18, 20, 65, 80},
                             {20, 22, 64, 80},
                             {22, 24, 62, 80}},
                            4);
  CHECK(note_density(s) == Approx(8.0 / 6.0));
  CHECK(note_density(s, 8) == Approx(1.0));  // a two-bar segment: the trailing rest counts
  // Ends mid-beat at tick 5: rounded up to 2 quarters.
  CHECK(note_density(one_track({{0, 5, 60, 80}}, 4)) == Approx(0.5));
  CHECK(note_density(one_track({}, 4)) == 0);
  CHECK(note_density(one_track({{0, 4, 36, 80}}, 4, /*drum=*/true)) == 0);  // drums are not melody
}

TEST_CASE("syncopation: the share of onsets between quarter-note beats", "[metrics][attributes]") {
  // On the beat (ticks 0, 4), on the off-beat 8th (6) and a 16th (9): 2 of 4 off the beat.
  CHECK(syncopation(one_track({{0, 4, 60, 80}, {4, 6, 62, 80}, {6, 9, 64, 80}, {9, 12, 65, 80}}, 4)) == Approx(0.5));
  CHECK(syncopation(one_track({{0, 4, 60, 80}, {8, 12, 62, 80}}, 4)) == 0);
  CHECK(syncopation(one_track({{2, 4, 60, 80}, {6, 8, 62, 80}}, 4)) == 1);
  CHECK(syncopation(one_track({}, 4)) == 0);
}

TEST_CASE("attributes by name", "[metrics][attributes]") {
  const Score s = one_track({{0, 4, 60, 80}, {6, 8, 72, 80}}, 4);
  CHECK(attribute("pitch_range", s) == 12);
  CHECK(attribute("note_density", s, 4) == Approx(0.5));
  CHECK(attribute("syncopation", s) == Approx(0.5));
  CHECK_THROWS_WITH(attribute("loudness", s),
                    Catch::Contains("unknown attribute 'loudness' (known: note_density, pitch_range, syncopation)"));
}
