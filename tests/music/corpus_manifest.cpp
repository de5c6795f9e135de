#include "corpus_manifest.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "music/midi/midi_error.h"
#include "music/midi/read_midi.h"
#include "music/midi/write_midi.h"
#include "music/score/midi_convert.h"

namespace cadenza::music::test {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("cadenza_test_" + std::to_string(::getpid()) + "_" + name);
}

std::vector<ManifestRow> read_manifest(const std::filesystem::path& tsv) {
  std::ifstream in(tsv);
  if (!in) throw std::runtime_error("cannot open " + tsv.string());
  std::vector<ManifestRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) f.push_back(cell);
    if (f.size() < 16) throw std::runtime_error("short manifest row: " + line);
    auto num = [&](size_t i) { return f[i].empty() ? -1L : std::stol(f[i]); };
    ManifestRow r;
    r.file = f[0];
    r.starts_mthd = f[3] == "yes";
    r.strict_check = f[15];
    if (r.starts_mthd) {
      r.format = static_cast<int>(num(4));
      r.ntrks_hdr = static_cast<int>(num(5));
      r.division = f[6];
      r.mtrk_found = static_cast<int>(num(7));
      r.note_ons = num(8);
      r.drum_note_ons = num(9);
      r.tempo = num(10);
      r.time_signatures = num(11);
      r.key_signatures = num(12);
      r.running_status = num(13);
      r.sysex = num(14);
    }
    rows.push_back(r);
  }
  return rows;
}

std::string first_reason(const std::string& strict_check) { return strict_check.substr(0, strict_check.find("; ")); }

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

}  // namespace

void check_corpus(const std::filesystem::path& dir, size_t expected_rows) {
  const auto rows = read_manifest(dir / "MANIFEST.tsv");
  REQUIRE(rows.size() == expected_rows);
  for (const ManifestRow& r : rows) {
    INFO(r.file << " (manifest strict check: " << r.strict_check << ")");
    const auto path = dir / r.file;
    if (!r.starts_mthd) {
      CHECK_THROWS_AS(midi::read_midi_file(path), midi::MidiError);
      try {
        midi::read_midi_file(path, {.strict = true});
        FAIL_CHECK("a strict read of a file without MThd did not throw");
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
      CHECK(reason == first_reason(r.strict_check));
    }
  }
}

void check_round_trip(const std::filesystem::path& path) {
  INFO(path.string());
  const Score a = score_from_midi(midi::read_midi_file(path));
  const std::vector<uint8_t> bytes = midi::write_midi(midi_from_score(a));
  const Score b = score_from_midi(midi::read_midi(bytes, {.strict = true}));
  CHECK(b.ticks_per_quarter == a.ticks_per_quarter);
  CHECK(b.tempos == a.tempos);
  CHECK(b.time_signatures == a.time_signatures);
  CHECK(b.key_signatures == a.key_signatures);
  REQUIRE(b.tracks.size() == a.tracks.size());
  for (size_t i = 0; i < a.tracks.size(); ++i) {
    INFO("track " << i);
    CHECK(b.tracks[i].channel == a.tracks[i].channel);
    CHECK(b.tracks[i].is_drum == a.tracks[i].is_drum);
    CHECK(b.tracks[i].program == a.tracks[i].program);
    CHECK(b.tracks[i].name == a.tracks[i].name);
    CHECK(b.tracks[i].notes == a.tracks[i].notes);
    CHECK(b.tracks[i].program_changes == a.tracks[i].program_changes);
    CHECK(b.tracks[i].controls == a.tracks[i].controls);
    CHECK(b.tracks[i].pitch_bends == a.tracks[i].pitch_bends);
  }
}

}  // namespace cadenza::music::test
