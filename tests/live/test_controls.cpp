#include <catch2/catch.hpp>

#include "live/chords.h"
#include "live/controls.h"

using namespace cadenza::live;

TEST_CASE("controls: modes, keys and typed changes, each checked", "[live]") {
  CHECK(parse_mode("continue") == Mode::continue_phrase);
  CHECK(parse_mode("answer") == Mode::answer);
  CHECK(parse_mode("accompany") == Mode::accompany);
  CHECK_THROWS_WITH(parse_mode("jam"), Catch::Contains("known: continue, answer, accompany"));
  CHECK(parse_key("any") == -1);
  CHECK(parse_key("C") == 0);
  CHECK(parse_key("F#") == 6);
  CHECK(parse_key("Bb") == 10);
  CHECK(parse_key("Cb") == 11);
  CHECK(parse_key("7") == 7);
  CHECK_THROWS(parse_key("H"));
  CHECK_THROWS(parse_key("12"));

  Controls c;
  apply_command(c, "temperature 0.5");
  apply_command(c, "mode answer");
  apply_command(c, "key D");
  apply_command(c, "density 3");
  apply_command(c, "length 4");
  apply_command(c, "tempo 90");
  apply_command(c, "pause 250");
  ControlValues v = snapshot(c);
  CHECK(v.temperature == Approx(0.5));
  CHECK(v.mode == Mode::answer);
  CHECK(v.key == 2);
  CHECK(v.density == Approx(3));
  CHECK(v.length_beats == Approx(4));
  CHECK(v.tempo_bpm == Approx(90));
  CHECK(v.pause_ms == Approx(250));
  CHECK_THROWS_WITH(apply_command(c, "temperature -1"), Catch::Contains("temperature"));
  CHECK_THROWS_WITH(apply_command(c, "temperature hot"), Catch::Contains("takes a number"));
  CHECK_THROWS_WITH(apply_command(c, "volume 3"), Catch::Contains("unknown control"));
  CHECK_THROWS(apply_command(c, "tempo"));
  CHECK(snapshot(c).temperature == Approx(0.5));  // a refused change leaves the controls alone
}

TEST_CASE("chords: the triad that covers what sounded, diatonic under a key", "[live]") {
  std::array<double, 12> s{};
  CHECK_FALSE(choose_chord(s, -1));
  s[0] = 1, s[4] = 1, s[7] = 0.5;  // C E G
  CHECK(*choose_chord(s, -1) == Chord{0, false});
  s = {};
  s[9] = 1, s[0] = 1, s[4] = 1;  // A C E: A minor (C major covers two, A minor three)
  CHECK(*choose_chord(s, -1) == Chord{9, true});
  s = {};
  s[6] = 1;  // F# alone: five triads hold it, and the tie goes to the one on F#; in C major none does: I
  CHECK(*choose_chord(s, -1) == Chord{6, false});
  CHECK(*choose_chord(s, 0) == Chord{0, false});
  for (int key = 0; key < 12; ++key) {
    s = {};
    s[size_t((key + 7) % 12)] = 1, s[size_t((key + 11) % 12)] = 1;  // the fifth and leading note: V
    CHECK(*choose_chord(s, key) == Chord{(key + 7) % 12, false});
  }
  CHECK(voice_chord({0, false}, 3) == std::vector<int>{48, 55, 64});
  CHECK(voice_chord({9, true}, 4) == std::vector<int>{57, 64, 72, 81});
  CHECK(voice_chord({0, false}, 0).size() == 1);
  CHECK(voice_chord({0, false}, 9).size() == 4);
}
