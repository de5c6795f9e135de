// Drum encoding (Magenta's 9 classes, 512 step values) and trios: parts chosen by GM
// program, the packed token, decoding to three tracks, windows where all three play; on
// hand-made scores and on a real Freedoom file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <span>

#include "music/repr/drums.h"
#include "music/repr/trio.h"
#include "music/repr/trio_windows.h"
#include "music/score/midi_convert.h"
#include "tests/support/test_data.h"

using namespace cadenza::music;
using namespace cadenza::music::repr;
using Catch::Matchers::Contains;

namespace {

Track track(int program, std::vector<Note> notes, bool drum = false) {
  Track t;
  t.program = program;
  t.is_drum = drum;
  t.channel = drum ? kDrumChannel : 0;
  t.notes = std::move(notes);
  return t;
}

// tpq 4: one tick per 16th-note step, a 4/4 bar is 16 ticks.
Score grid_score(std::vector<Track> tracks) {
  Score s;
  s.ticks_per_quarter = 4;
  s.tracks = std::move(tracks);
  return s;
}

}  // namespace

TEST_CASE("drums: Magenta's nine classes (note_seq DEFAULT_DRUM_TYPE_PITCHES)", "[repr][drums]") {
  const std::vector<std::pair<int, int>> cases = {{36, 0}, {35, 0}, {38, 1}, {37, 1}, {85, 1}, {42, 2}, {22, 2},
                                                  {80, 2}, {46, 3}, {26, 3}, {45, 4}, {43, 4}, {48, 5}, {87, 5},
                                                  {50, 6}, {30, 6}, {49, 7}, {52, 7}, {51, 8}, {59, 8}};
  for (const auto& [pitch, cls] : cases) {
    INFO("pitch " << pitch);
    CHECK(drum_class_of(pitch) == cls);
  }
  for (int unknown : {0, 21, 100, 127, -1, 128}) CHECK(drum_class_of(unknown) == -1);
  size_t pitches = 0;
  for (int c = 0; c < kDrumClasses; ++c) {
    pitches += drum_class_pitches()[size_t(c)].size();
    for (int p : drum_class_pitches()[size_t(c)]) CHECK(drum_class_of(p) == c);
  }
  CHECK(pitches == 63);  // no pitch in two classes
  const std::vector<int> first = {36, 38, 42, 46, 45, 48, 50, 49, 51};
  for (int c = 0; c < kDrumClasses; ++c) CHECK(drum_class_pitches()[size_t(c)].front() == first[size_t(c)]);
}

TEST_CASE("drums: a step is the 9-bit set of classes struck there", "[repr][drums]") {
  // Step 0: kick + closed hat; step 2: snare; step 4: two kicks (one class); step 6: an
  // unknown pitch (ignored); a piano note at step 3 (not a drum).
  Score s = grid_score(
      {track(0, {{0, 1, 36, 90}, {0, 1, 42, 90}, {2, 3, 38, 90}, {4, 5, 36, 90}, {4, 5, 35, 90}, {6, 7, 100, 90}},
             true),
       track(0, {{3, 4, 60, 90}})});
  CHECK(encode_drums(s, 4) == std::vector<int32_t>{1 | 4, 0, 2, 0, 1});
  const Track t = decode_drums(std::vector<int32_t>{5, 0, 2 | 256}, 480, 4, 100);
  CHECK(t.is_drum);
  CHECK(t.channel == kDrumChannel);
  REQUIRE(t.notes.size() == 4);
  CHECK(t.notes[0] == Note{0, 120, 36, 100});
  CHECK(t.notes[1] == Note{0, 120, 42, 100});
  CHECK(t.notes[2] == Note{240, 360, 38, 100});
  CHECK(t.notes[3] == Note{240, 360, 51, 100});
  CHECK_THROWS_WITH(decode_drums(std::vector<int32_t>{512}, 480, 4, 100), Contains("drums token 512"));
}

TEST_CASE("drums: every one of the 512 step values survives decode and encode", "[repr][drums]") {
  std::vector<int32_t> steps(kDrumVocab);
  std::iota(steps.begin(), steps.end(), 0);
  steps.push_back(1);  // the sequence ends at its last onset
  Score s;
  s.ticks_per_quarter = 480;
  s.tracks.push_back(decode_drums(steps, 480, 4, 100));
  CHECK(encode_drums(s, 4) == steps);
  // Through a MIDI file too (channel 10).
  CHECK(encode_drums(score_from_midi(midi_from_score(s)), 4) == steps);
}

TEST_CASE("trio: parts by GM program, the busiest melody, bass range 21..56, packed tokens", "[repr][trio]") {
  Score s = grid_score({track(29, {{0, 4, 64, 90}, {8, 12, 67, 90}}),                                 // guitar, 2 notes
                        track(0, {{0, 2, 72, 90}, {2, 4, 74, 90}, {4, 6, 76, 90}, {8, 16, 79, 90}}),  // piano, 4
                        track(33, {{0, 8, 40, 90}, {8, 16, 70, 90}}),  // bass: 70 folds to 58-12
                        track(48, {{0, 16, 60, 90}}),                  // strings: no part
                        track(0, {{0, 1, 36, 90}, {4, 5, 38, 90}}, true)});
  const TrioTracks tracks = trio_tracks(s);
  CHECK(tracks.complete());
  CHECK(tracks.melody == 1u);
  CHECK(tracks.bass == 2u);
  const TrioParts p = encode_trio(s);
  REQUIRE(p.size() == 17);  // the last note ends at step 16, closed by NOTE_OFF there
  CHECK(p.bass.size() == 17);
  CHECK(p.drums.size() == 17);
  CHECK(p.melody[0] == 2 + 72 - 48);
  CHECK(p.melody[8] == 2 + 79 - 48);
  CHECK(p.melody[6] == MelodyTokenizer::kNoteOff);
  CHECK(p.bass[0] == 2 + 40 - 21);
  CHECK(p.bass[8] == 2 + 46 - 21);  // 70 - 12 - 12
  CHECK(p.drums[0] == 1);
  CHECK(p.drums[4] == 2);
  CHECK(p.drums[16] == 0);  // padded with rests

  TrioTokenizer tok;
  CHECK(tok.vocab_size() == 38 * 38 * 512);
  CHECK(tok.parts().size() == 3);
  const std::vector<int32_t> tokens = tok.encode(s);
  CHECK(tokens[0] == (p.melody[0] * 38 + p.bass[0]) * 512 + p.drums[0]);
  CHECK(tokens[16] == (MelodyTokenizer::kNoteOff * 38 + MelodyTokenizer::kNoteOff) * 512);
  CHECK(tokens[16] == tok.notes_off_token());
  CHECK(tok.token_name(tokens[0]) == "NOTE_ON_72|NOTE_ON_40|kick");
  CHECK(tok.token_name(0) == "NO_EVENT|NO_EVENT|no_hit");
  const TrioParts back = tok.unpack(tokens);
  CHECK(back.melody == p.melody);
  CHECK(back.bass == p.bass);
  CHECK(back.drums == p.drums);
  CHECK_THROWS_WITH(tok.decode(std::vector<int32_t>{tok.vocab_size()}), Contains("trio token"));
  const std::vector<TokenPart> parts = tok.parts();
  CHECK_THROWS(pack_token(std::vector<int32_t>{38, 0, 0}, parts));
  CHECK_THROWS(unpack_token(-1, parts));
}

TEST_CASE("trio: decoding gives melody (program 0), bass (33) and drums (channel 10), MIDI round trip",
          "[repr][trio]") {
  TrioTokenizer tok;
  const Score s = grid_score({track(0, {{0, 4, 60, 90}, {4, 8, 62, 90}}), track(34, {{0, 8, 33, 90}}),
                              track(0, {{0, 1, 36, 90}, {2, 3, 42, 90}, {4, 5, 38, 90}}, true)});
  const std::vector<int32_t> tokens = tok.encode(s);
  const Score d = tok.decode(tokens);
  REQUIRE(d.tracks.size() == 3);
  CHECK(d.tracks[0].name == "melody");
  CHECK(d.tracks[0].program == 0);
  CHECK_FALSE(d.tracks[0].is_drum);
  CHECK(d.tracks[1].name == "bass");
  CHECK(d.tracks[1].program == kTrioBassProgram);
  CHECK(d.tracks[1].channel != kDrumChannel);
  CHECK(d.tracks[2].is_drum);
  CHECK(d.tracks[2].channel == kDrumChannel);
  CHECK(d.tracks[1].notes == std::vector<Note>{{0, 960, 33, 100}});
  CHECK(tok.encode(d) == tokens);
  // Written and read back: the three parts are found again by program and channel.
  const Score midi = score_from_midi(midi_from_score(d));
  CHECK(trio_tracks(midi).complete());
  CHECK(tok.encode(midi) == tokens);
}

TEST_CASE("trio: transposing moves the melody and the bass, folding by octaves, and keeps the drums", "[repr][trio]") {
  const TrioTokenizer tok;
  // Melody C4, then B5 (83, the top of its range); bass E1 (28), then G#3 (56, its top);
  // a kick on each step.
  TrioParts parts;
  parts.melody = {2 + 60 - 48, MelodyTokenizer::kNoteOff, 2 + 83 - 48};
  parts.bass = {2 + 28 - 21, MelodyTokenizer::kNoEvent, 2 + 56 - 21};
  parts.drums = {1, 0, 1};
  const std::vector<int32_t> tokens = tok.pack(parts);
  const TrioParts up = tok.unpack(tok.transposed(tokens, 2));
  CHECK(up.melody == std::vector<int32_t>{2 + 62 - 48, MelodyTokenizer::kNoteOff, 2 + 73 - 48});  // 85 folds to 73
  CHECK(up.bass == std::vector<int32_t>{2 + 30 - 21, MelodyTokenizer::kNoEvent, 2 + 46 - 21});    // 58 folds to 46
  CHECK(up.drums == parts.drums);
  CHECK(tok.transposed(tokens, 0) == tokens);
  // Away from the edges, down undoes up.
  parts.melody[2] = 2 + 70 - 48, parts.bass[2] = 2 + 40 - 21;
  const std::vector<int32_t> inner = tok.pack(parts);
  CHECK(tok.transposed(tok.transposed(inner, -5), 5) == inner);
  CHECK(tok.transposed(inner, 12) != inner);
}

TEST_CASE("trio windows: whole 4/4 bars where all three play, short gaps forgiven", "[repr][trio]") {
  // 12 bars: melody and drums play in every bar; the bass rests in bar 3 (forgiven: its
  // neighbours play) and in bars 7..9 (bar 8 has no playing neighbour within one bar).
  std::vector<Note> melody, bass, drums;
  for (int64_t bar = 0; bar < 12; ++bar) {
    melody.push_back({bar * 16, bar * 16 + 8, 72, 90});
    drums.push_back({bar * 16, bar * 16 + 1, 36, 90});
    if (bar != 3 && (bar < 7 || bar > 9)) bass.push_back({bar * 16, bar * 16 + 16, 40, 90});
  }
  Score s = grid_score({track(0, melody), track(33, bass), track(0, drums, true)});
  const TrioWindowOptions o{.bars = 4, .gap_bars = 1};
  const TrioTokenizer tok;
  CHECK(trio_window_starts(s, encode_trio(s), 4, o) == std::vector<int64_t>{0, 16, 32, 48, 64});
  const TrioPiece piece = trio_piece(s, tok, o);
  CHECK(piece.tokens == tok.encode(s));
  CHECK(piece.window_starts.size() == 5);
  // Without forgiveness the bass's rests break the bars into runs 0..2 and 4..6.
  CHECK(trio_window_starts(s, encode_trio(s), 4, {.bars = 3, .gap_bars = 0}) == std::vector<int64_t>{0, 64});
  CHECK(trio_window_starts(s, encode_trio(s), 4, {.bars = 4, .gap_bars = 0}).empty());

  // 3/4 from bar 2, 4/4 again from bar 4: bars count from there, windows stay in 4/4.
  s.time_signatures = {{0, 4, 4}, {32, 3, 4}, {64, 4, 4}};
  CHECK(trio_window_starts(s, encode_trio(s), 4, o) == std::vector<int64_t>{64});

  // No bass track, no windows.
  s.tracks.erase(s.tracks.begin() + 1);
  CHECK_FALSE(trio_tracks(s).complete());
  CHECK(trio_window_starts(s, encode_trio(s), 4, o).empty());
}

TEST_CASE("trio on a real Freedoom file (d_e1m1.mid): parts, 16-bar windows, decode", "[repr][trio]") {
  const Score score = load_midi(cadenza::test::test_data("freedoom") / "d_e1m1.mid");
  const TrioTracks tracks = trio_tracks(score);
  REQUIRE(tracks.complete());
  const Track& melody = score.tracks[*tracks.melody];
  CHECK(melody.program <= 31);
  for (const Track& t : score.tracks)
    if (!t.is_drum && t.program <= 31) CHECK(t.notes.size() <= melody.notes.size());
  CHECK((score.tracks[*tracks.bass].program >= 32 && score.tracks[*tracks.bass].program <= 39));

  const TrioTokenizer tok;
  const TrioPiece piece = trio_piece(score, tok);
  REQUIRE_FALSE(piece.window_starts.empty());
  for (int64_t start : piece.window_starts) {
    CHECK(start % 16 == 0);
    REQUIRE(start + 256 <= int64_t(piece.tokens.size()));
  }
  // Every window has melody and bass onsets and drum hits.
  for (int64_t start : piece.window_starts) {
    const TrioParts w = tok.unpack(std::span(piece.tokens).subspan(size_t(start), 256));
    auto onsets = [](const std::vector<int32_t>& v) {
      return std::count_if(v.begin(), v.end(), [](int32_t t) { return t >= 2; });
    };
    CHECK(onsets(w.melody) > 0);
    CHECK(onsets(w.bass) > 0);
    CHECK(std::count_if(w.drums.begin(), w.drums.end(), [](int32_t d) { return d != 0; }) > 0);
  }
  const Score first = tok.decode(std::span(piece.tokens).subspan(size_t(piece.window_starts[0]), 256));
  REQUIRE(first.tracks.size() == 3);
  for (const Track& t : first.tracks) CHECK_FALSE(t.notes.empty());
}
