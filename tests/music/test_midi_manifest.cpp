// Every file of the two MIDI corpora against its MANIFEST.tsv row.
#include <catch2/catch.hpp>

#include "corpus_manifest.h"
#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"

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
