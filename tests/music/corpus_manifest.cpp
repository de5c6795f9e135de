#include "corpus_manifest.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cadenza::music::test {

std::filesystem::path shared_data(const std::string& sub) {
  return std::filesystem::path(CADENZA_SHARED_DATA) / sub;
}

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

std::string first_reason(const std::string& strict_check) {
  return strict_check.substr(0, strict_check.find("; "));
}

}  // namespace cadenza::music::test
