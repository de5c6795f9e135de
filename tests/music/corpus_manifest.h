// Rows of shared/data/*/MANIFEST.tsv: what each corpus file is known to hold.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::music::test {

struct ManifestRow {
  std::string file;          // relative to the corpus folder
  bool starts_mthd = false;
  int format = -1;
  int ntrks_hdr = -1;
  std::string division;      // "96" or "SMPTE:16/96"
  int mtrk_found = -1;
  long note_ons = 0, drum_note_ons = 0, tempo = 0, time_signatures = 0, key_signatures = 0;
  long running_status = 0, sysex = 0;
  std::string strict_check;  // "ok" or "reason; reason"
};

std::filesystem::path shared_data(const std::string& sub);
// A path in the temporary folder unique to this test process (runs may overlap).
std::filesystem::path temp_path(const std::string& name);
std::vector<ManifestRow> read_manifest(const std::filesystem::path& tsv);
// The first reason of a strict verdict ("a; b" -> "a").
std::string first_reason(const std::string& strict_check);

}  // namespace cadenza::music::test
