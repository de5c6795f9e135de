// Every file of the two MIDI corpora against its MANIFEST.tsv row.
#include <catch2/catch.hpp>

#include <filesystem>

#include "corpus_manifest.h"
#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/score/midi_convert.h"

using namespace cadenza::music;
using cadenza::music::test::ManifestRow;

namespace {

void check_counts_equal(const midi::MidiFile& f, const ManifestRow& r) {
  const midi::EventCounts c = midi::count_events(f);
  CHECK(static_cast<int>(f.tracks.size()) == r.mtrk_found);
  CHECK(c.note_ons == r.note_ons);
  CHECK(c.drum_note_ons == r.drum_note_ons);
  CHECK(c.tempo == r.tempo);
  CHECK(c.time_signatures == r.time_signatures);
  CHECK(c.key_signatures == r.key_signatures);
  CHECK(c.running_status == r.running_status);
  CHECK(c.sysex == r.sysex);
}

// The manifest's counts for broken files come from a reader that abandons a track at
// its first illegal byte; lenient mode recovers at least as much.
void check_counts_at_least(const midi::MidiFile& f, const ManifestRow& r) {
  const midi::EventCounts c = midi::count_events(f);
  CHECK(static_cast<int>(f.tracks.size()) >= r.mtrk_found);
  CHECK(c.note_ons >= r.note_ons);
  CHECK(c.drum_note_ons >= r.drum_note_ons);
  CHECK(c.tempo >= r.tempo);
  CHECK(c.time_signatures >= r.time_signatures);
  CHECK(c.key_signatures >= r.key_signatures);
  CHECK(c.sysex >= r.sysex);
}

void check_corpus(const std::string& folder, size_t expected_rows) {
  const auto dir = test::shared_data(folder);
  const auto rows = test::read_manifest(dir / "MANIFEST.tsv");
  REQUIRE(rows.size() == expected_rows);
  for (const ManifestRow& r : rows) {
    INFO(r.file << " (manifest strict check: " << r.strict_check << ")");
    const auto path = dir / r.file;
    if (!r.starts_mthd) {
      CHECK_THROWS_AS(midi::read_midi_file(path), midi::MidiError);
      try {
        midi::read_midi_file(path, {.strict = true});
      } catch (const midi::MidiError& e) {
        CHECK(e.reason() == "no MThd");
        CHECK(e.offset() == 0);
      }
      continue;
    }
    const midi::MidiFile lenient = midi::read_midi_file(path);
    CHECK(lenient.format == r.format);
    CHECK(lenient.declared_tracks == r.ntrks_hdr);
    CHECK(lenient.division.to_string() == r.division);
    if (r.strict_check == "ok") {
      const midi::MidiFile strict = midi::read_midi_file(path, {.strict = true});
      check_counts_equal(strict, r);
      CHECK(lenient.warnings.empty());
      check_counts_equal(lenient, r);
    } else {
      CHECK_FALSE(lenient.warnings.empty());
      check_counts_at_least(lenient, r);
      std::string reason = "(no error)";
      try {
        midi::read_midi_file(path, {.strict = true});
      } catch (const midi::MidiError& e) {
        reason = e.reason();
      }
      CHECK(reason == test::first_reason(r.strict_check));
    }
  }
}

}  // namespace

TEST_CASE("midi_parser_corpus matches MANIFEST.tsv", "[midi][manifest]") {
  check_corpus("midi_parser_corpus", 103);
}

TEST_CASE("freedoom_music matches MANIFEST.tsv", "[midi][manifest]") {
  check_corpus("freedoom_music", 112);
}

TEST_CASE("lenient mode still plays the C major scale of the broken jazz-soft files", "[midi][manifest]") {
  // Each of these files says, in its own text event, that a player should still sound
  // the C major scale C4..C5 around its defect.
  const std::vector<uint8_t> scale{60, 62, 64, 65, 67, 69, 71, 72};
  const auto dir = test::shared_data("midi_parser_corpus") / "jazz-soft";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("test-illegal-message-", 0) != 0 && name.rfind("test-running-status-", 0) != 0 &&
        name.rfind("test-corrupt-file-", 0) != 0)
      continue;
    INFO(name);
    const Score s = score_from_midi(midi::read_midi_file(entry.path()));
    std::vector<uint8_t> pitches;
    for (const Track& t : s.tracks)
      for (const Note& n : t.notes) pitches.push_back(n.pitch);
    CHECK(pitches == scale);
    ++files;
  }
  CHECK(files == 18);
}
