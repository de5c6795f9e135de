// Reading a folder of MIDI files and extracting their notes: cadenza against mido
// (python3-mido), both timed in this one run (best of N passes each, files read from
// disk every pass). Prints both times and the ratio.
//   bench_midi_read [DIR] [PASSES]   (default: ../shared/data/freedoom_music, 5)
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "music/dataset/split.h"
#include "music/score/midi_convert.h"

using namespace cadenza::music;

namespace {

// Runs the mido peer and returns its stdout (one JSON line).
std::string run_mido(const std::filesystem::path& dir, int passes) {
  const std::string cmd =
      fmt::format("/usr/bin/python3 '{}/bench/midi/mido_read.py' '{}' {}", CADENZA_SOURCE_DIR, dir.string(), passes);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), &pclose);
  if (!pipe) throw std::runtime_error("cannot run python3");
  std::string out;
  std::array<char, 256> buf;
  while (fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}

double json_number(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\": ([0-9.eE+-]+)")))
    throw std::runtime_error("mido peer printed no " + key + ": " + json);
  return std::stod(m[1]);
}

}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir =
      argc > 1 ? argv[1] : std::string(CADENZA_SOURCE_DIR) + "/../shared/data/freedoom_music";
  const int passes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const auto files = dataset::midi_files(dir);
  double best = 1e30;
  size_t notes = 0;
  for (int p = 0; p < passes; ++p) {
    const auto start = std::chrono::steady_clock::now();
    notes = 0;
    for (const auto& f : files) notes += load_midi(f).note_count();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  const std::string mido = run_mido(dir, passes);
  const double mido_seconds = json_number(mido, "seconds");
  const auto mido_notes = static_cast<size_t>(json_number(mido, "notes"));
  fmt::print("{} files, best of {} passes each\n", files.size(), passes);
  fmt::print("cadenza  {:9.4f} s  {} notes\n", best, notes);
  fmt::print("mido     {:9.4f} s  {} notes\n", mido_seconds, mido_notes);
  fmt::print("ratio    {:9.1f}x faster{}\n", mido_seconds / best, notes == mido_notes ? "" : "  (NOTE COUNTS DIFFER)");
  return notes == mido_notes ? 0 : 1;
} catch (const std::exception& e) {
  fmt::print(stderr, "bench_midi_read: error: {}\n", e.what());
  return 1;
}
