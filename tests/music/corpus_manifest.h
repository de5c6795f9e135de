// Rows of a MIDI corpus's MANIFEST.tsv (tests/data/*, the shared corpora): what each file is
// known to hold, and the check of every file against its row.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::music::test {

struct ManifestRow {
  std::string file;  // relative to the corpus folder
  bool starts_mthd = false;
  int format = -1;
  int ntrks_hdr = -1;
  std::string division;  // "96" or "SMPTE:16/96"
  int mtrk_found = -1;
  long note_ons = 0, drum_note_ons = 0, tempo = 0, time_signatures = 0, key_signatures = 0;
  long running_status = 0, sysex = 0;
  std::string strict_check;  // "ok" or "reason; reason"
};

// A path in the temporary folder unique to this test process (runs may overlap).
std::filesystem::path temp_path(const std::string& name);
std::vector<ManifestRow> read_manifest(const std::filesystem::path& tsv);
// The first reason of a strict verdict ("a; b" -> "a").
std::string first_reason(const std::string& strict_check);
// Reads every file of `dir` leniently and strictly and checks it against its MANIFEST.tsv
// row (which must number `expected_rows`): header fields, event counts, and the strict
// reader's first reason for a broken file.
void check_corpus(const std::filesystem::path& dir, size_t expected_rows);
// read -> write -> read keeps notes, tempo map, signatures, programs and controllers.
void check_round_trip(const std::filesystem::path& path);

}  // namespace cadenza::music::test
