// Piano-roll pictures and WAV rendering.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include "corpus_manifest.h"
#include "music/render/piano_roll_png.h"
#include "music/render/wav.h"
#include "score_builders.h"
#include "tests/support/skip.h"
#include "wav_checks.h"

using namespace cadenza::music;
using namespace cadenza::music::render;

TEST_CASE("the piano roll picture puts notes, bars and keys where they belong", "[render]") {
  // 4/4 at 480 tpq; C4 over beat 0, G4 (second track) over beats 4..6.
  Score s = test::one_track({{0, 480, 60, 90}});
  Track& t2 = s.tracks.emplace_back();
  t2.channel = 1;
  t2.notes = {{1920, 2880, 67, 90}};
  PianoRollPngOptions o;  // 16 px per beat, 4 px per pitch, 24 px keyboard
  const Image img = render_piano_roll(s, o);
  // Pitches shown: C4..B4 (60..71): 12 rows of 4 px; 6 beats: 24 + 96 + 1 px wide.
  CHECK(img.height == 48);
  CHECK(img.width == 24 + 96 + 1);
  auto y_of = [](int pitch) { return (71 - pitch) * 4 + 1; };
  CHECK(img.at(24 + 8, y_of(60)) == track_colour(s.tracks[0], 0));
  CHECK(img.at(24 + 64 + 8, y_of(67)) == track_colour(s.tracks[1], 1));
  CHECK(track_colour(s.tracks[0], 0) != track_colour(s.tracks[1], 1));
  CHECK(img.at(24 + 40, y_of(65)) == Rgb{250, 250, 250});  // nothing in beat 2 on F4
  CHECK(img.at(24 + 64, y_of(64)) == Rgb{150, 150, 150});  // bar line at beat 4
  CHECK(img.at(2, y_of(61)) == Rgb{30, 30, 30});           // C#4 is a black key
  CHECK(img.at(2, y_of(62)) == Rgb{255, 255, 255});        // D4 a white one
}

TEST_CASE("a very long score is squeezed into the width limit", "[render]") {
  const Score s = test::one_track({{0, 480, 60, 90}, {int64_t{1} << 40, (int64_t{1} << 40) + 480, 62, 90}});
  const Image img = render_piano_roll(s);
  CHECK(img.width <= 8001);
}

TEST_CASE("PNG files start with the PNG signature", "[render]") {
  const auto path = cadenza::music::test::temp_path("roll.png");
  write_piano_roll_png(test::one_track({{0, 480, 60, 90}}), path);
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> head(8);
  in.read(reinterpret_cast<char*>(head.data()), 8);
  CHECK(head == std::vector<unsigned char>{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
  std::filesystem::remove(path);
}

TEST_CASE("WAV header is 16-bit stereo PCM", "[render]") {
  const std::string h = wav_header(44100, 100);
  REQUIRE(h.size() == 44);
  CHECK(h.substr(0, 4) == "RIFF");
  CHECK(h.substr(8, 8) == "WAVEfmt ");
  CHECK(static_cast<unsigned char>(h[40]) == 144);  // 100 frames x 4 bytes = 400 = 0x190
  CHECK(static_cast<unsigned char>(h[41]) == 1);
}

TEST_CASE("WAV through FluidSynth: a valid header, the score's length plus the tail, sound", "[render]") {
  const Score s = test::one_track({{0, 480, 60, 100}});  // one quarter at 120 BPM: 0.5 s
  const auto path = cadenza::music::test::temp_path("one.wav");
#ifndef CADENZA_HAVE_FLUIDSYNTH
  // Without FluidSynth the one thing to check is the refusal; the rest cannot run.
  CHECK_FALSE(wav_rendering_available());
  CHECK_THROWS_WITH(render_wav(s, path), Catch::Contains("without FluidSynth"));
  cadenza::test::skip_test("this build has no FluidSynth (install libfluidsynth-dev and re-run cmake)");
#endif
  REQUIRE(wav_rendering_available());
  if (find_soundfont().empty()) cadenza::test::skip_test("no General MIDI SoundFont here (install fluid-soundfont-gm)");
  WavOptions o;
  o.sample_rate = 22050;
  render_wav(s, path, o);
  const test::WavFacts w = test::read_wav(path);
  CHECK(w.sample_rate == 22050);
  // 0.5 s of note + 1 s of tail.
  CHECK(w.frames == static_cast<uint32_t>(std::ceil((0.5 + o.tail_seconds) * 22050)));
  CHECK(w.peak(0, 11025) > 1000);  // the note sounds while it is held
  o.soundfont = "/no/such.sf2";
  CHECK_THROWS_WITH(render_wav(s, path, o), Catch::Contains("not found"));
  std::filesystem::remove(path);
}
