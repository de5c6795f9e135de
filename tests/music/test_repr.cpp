// Representations: exact encodings of hand-made scores, and round trips.
#include <catch2/catch.hpp>

#include <filesystem>

#include "corpus_manifest.h"
#include "music/repr/melody.h"
#include "music/repr/performance.h"
#include "music/repr/piano_roll.h"
#include "music/repr/remi.h"
#include "music/repr/token_file.h"
#include "music/score/midi_convert.h"
#include "score_builders.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::repr;
using test::one_track;

namespace {

Score freedoom(const std::string& name) { return load_midi(cadenza::test::test_data("freedoom") / name); }

// encode(decode(encode(x))) == encode(x): decoding loses nothing the tokens hold.
void check_idempotent(const Tokenizer& tok, const Score& score) {
  const auto tokens = tok.encode(score);
  REQUIRE_FALSE(tokens.empty());
  for (int32_t t : tokens) REQUIRE((t >= 0 && t < tok.vocab_size()));
  CHECK(tok.encode(tok.decode(tokens)) == tokens);
}

}  // namespace

TEST_CASE("melody tokens follow Magenta's one-hot layout", "[repr][melody]") {
  const MelodyTokenizer tok;
  CHECK(tok.vocab_size() == 38);
  // C4 a quarter, E4 a quarter, a quarter rest, G4 a quarter; 16th grid.
  const Score s = one_track({{0, 480, 60, 90}, {480, 960, 64, 90}, {1440, 1920, 67, 90}});
  const std::vector<int32_t> expected{14, 0, 0, 0, 18, 0, 0, 0, 1, 0, 0, 0, 21, 0, 0, 0, 1};
  CHECK(tok.encode(s) == expected);
  const Score back = tok.decode(expected);
  REQUIRE(back.tracks.size() == 1);
  CHECK(back.tracks[0].notes == std::vector<Note>{{0, 480, 60, 100}, {480, 960, 64, 100}, {1440, 1920, 67, 100}});
  CHECK(tok.token_name(14) == "NOTE_ON_60");
  CHECK(tok.token_name(1) == "NOTE_OFF");
}

TEST_CASE("melody keeps the highest of simultaneous onsets and folds octaves", "[repr][melody]") {
  const MelodyTokenizer tok;
  const Score s = one_track({{0, 240, 60, 90}, {0, 240, 64, 90}, {240, 480, 96, 90}});
  CHECK(tok.encode(s) == std::vector<int32_t>{18, 0, 2 + 72 - 48, 0, 1});  // 96 -> 72 (84 is out)
  check_idempotent(tok, freedoom("d_e1m1.mid"));
}

TEST_CASE("performance tokens follow Magenta's 388-event layout", "[repr][performance]") {
  const PerformanceTokenizer tok;
  CHECK(tok.vocab_size() == 388);
  // 120 BPM, 480 tpq: C4 vel 100 over 0..0.5 s, E4 vel 64 over 0.25..1.5 s.
  const Score s = one_track({{0, 480, 60, 100}, {240, 1440, 64, 64}});
  const std::vector<int32_t> expected{356 + 24, 60, 256 + 24, 356 + 15, 64, 256 + 24, 128 + 60, 256 + 99, 128 + 64};
  CHECK(tok.encode(s) == expected);
  const Score back = tok.decode(expected);
  CHECK(back.tracks.at(0).notes == std::vector<Note>{{0, 500, 60, 97}, {250, 1500, 64, 61}});
  CHECK(tok.token_name(256) == "TIME_SHIFT_10ms");
  CHECK(tok.token_name(387) == "VELOCITY_32");
  check_idempotent(tok, freedoom("d_e1m2.mid"));
}

TEST_CASE("velocity bins are Magenta's", "[repr]") {
  CHECK(velocity_to_bin(1, 32) == 0);
  CHECK(velocity_to_bin(4, 32) == 0);
  CHECK(velocity_to_bin(5, 32) == 1);
  CHECK(velocity_to_bin(127, 32) == 31);
  CHECK(bin_to_velocity(31, 32) == 125);
  for (int b = 0; b < 32; ++b) CHECK(velocity_to_bin(bin_to_velocity(b, 32), 32) == b);
}

TEST_CASE("REMI encodes bars, positions, tempo and notes", "[repr][remi]") {
  const RemiTokenizer tok;
  CHECK(tok.vocab_size() == 273);
  Score s = one_track({{0, 480, 60, 100}, {0, 240, 64, 100}, {2040, 2160, 67, 100}});
  s.tempos.push_back({0, 500000});
  const int32_t v = RemiTokenizer::kVelocity + velocity_to_bin(100, 32);
  const std::vector<int32_t> expected{
      0,       1,      17 + RemiTokenizer::tempo_to_bin(120), v, 49 + 60, 209 + 3, v, 49 + 64, 209 + 1, 0, 1 + 1, v,
      49 + 67, 209 + 0};  // 2040 ticks = step 17 = bar 2, position 2
  CHECK(tok.encode(s) == expected);
  const Score back = tok.decode(expected);
  CHECK(back.tracks.at(0).notes.size() == 3);
  CHECK(back.tracks[0].notes[2] == Note{2040, 2160, 67, static_cast<uint8_t>(bin_to_velocity(24, 32))});
  REQUIRE(back.tempos.size() == 1);
  CHECK(back.tempos[0].bpm() == Approx(120.0));
  check_idempotent(tok, freedoom("d_e1m3.mid"));
}

TEST_CASE("piano roll round-trips grid notes, repeated keys included", "[repr][roll]") {
  const Score s = one_track({{0, 120, 60, 100}, {0, 480, 64, 70}, {120, 240, 60, 50}}, 480);
  PianoRollConfig c;
  c.steps_per_quarter = 4;
  const PianoRoll roll = encode_piano_roll(s, c);
  CHECK(roll.num_steps == 4);
  CHECK(roll.velocity[roll.index(0, 1, 60)] == 50);
  CHECK(roll.onsets[roll.index(0, 1, 60)] == 1);
  const Score back = decode_piano_roll(roll, 480);
  CHECK(back.tracks.at(0).notes == s.tracks[0].notes);
  PianoRoll plain = roll;
  plain.onsets.clear();  // without onsets the two C4s merge
  CHECK(decode_piano_roll(plain, 480).tracks[0].notes.size() == 2);
}

TEST_CASE("MuseGAN roll: 5 tracks x 84 pitches x 48 steps per bar", "[repr][roll]") {
  const Score grouped = musegan_tracks(freedoom("d_e1m1.mid"));
  REQUIRE(grouped.tracks.size() == 5);
  CHECK(grouped.tracks[0].is_drum);
  PianoRollConfig c;
  c.steps_per_quarter = 12;
  c.lowest_pitch = 24;
  c.num_pitches = 84;
  const PianoRoll roll = encode_piano_roll(grouped, c);
  CHECK(roll.tracks.size() == 5);
  CHECK(roll.velocity.size() == 5 * static_cast<size_t>(roll.num_steps) * 84);
  // Decoding then encoding again gives the same roll.
  const PianoRoll again = encode_piano_roll(decode_piano_roll(roll, 480), c);
  CHECK(again.velocity == roll.velocity);
  CHECK(again.onsets == roll.onsets);
}

TEST_CASE("a note far in the future fails cleanly instead of allocating", "[repr]") {
  const Score s = one_track({{int64_t{1} << 40, (int64_t{1} << 40) + 1, 60, 100}});
  CHECK_THROWS_AS(encode_piano_roll(s), std::length_error);
  CHECK_THROWS_AS(MelodyTokenizer().encode(s), std::length_error);
  CHECK_THROWS_AS(RemiTokenizer().encode(s), std::length_error);
  CHECK_THROWS_AS(PerformanceTokenizer().encode(s), std::length_error);
}

TEST_CASE("tokenizers are found by name and reject out-of-range tokens", "[repr]") {
  for (const char* name : {"melody", "performance", "remi"}) {
    const auto tok = make_tokenizer(name);
    CHECK(tok->name() == name);
    const std::vector<int32_t> bad{0, tok->vocab_size()};
    CHECK_THROWS_AS(tok->decode(bad), std::invalid_argument);
  }
  CHECK_THROWS_AS(make_tokenizer("abc"), std::invalid_argument);
}

TEST_CASE("token files round-trip", "[repr]") {
  const auto path = test::temp_path("tokens.tok");
  const TokenFile file{"performance", {0, 387, 255, 12}};
  write_token_file(file, path);
  const TokenFile back = read_token_file(path);
  CHECK(back.representation == "performance");
  CHECK(back.tokens == file.tokens);
  std::filesystem::remove(path);
}
