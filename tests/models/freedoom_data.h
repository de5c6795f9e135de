#pragma once
// A small multitrack MIDI folder for MuseGAN tests: copies of the bundled Freedoom files
// (tests/data/freedoom) chosen so that the folder's file-name split (models/data.h) has
// `train` training files and one validation file; from `only` when given (e.g. files in
// 4/4 with a melody, a bass and drums, for trio models).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "music/dataset/split.h"
#include "tests/support/test_data.h"

namespace cadenza::models::testing {

// Freedoom files in 4/4 whose melody (GM 0-31), bass (32-39) and drums play together.
inline const std::vector<std::string> kFreedoomTrioFiles = {
    "d_dm10.mid", "d_dm14.mid", "d_dm16.mid",  "d_dm31.mid",  "d_e1m1.mid",  "d_e1m4.mid", "d_e1m6.mid",
    "d_e1m9.mid", "d_e4m3.mid", "d_intro.mid", "d_map07.mid", "d_map13.mid", "d_map21.mid"};

inline void copy_freedoom_files(const std::filesystem::path& to, int train = 3,
                                const std::vector<std::string>& only = {}) {
  namespace fs = std::filesystem;
  namespace ds = music::dataset;
  const fs::path src = cadenza::test::test_data("freedoom");
  fs::create_directories(to);
  int have_train = 0, have_valid = 0;
  for (const fs::path& f : ds::midi_files(src)) {
    if (f.filename() == "dummy.mid") continue;  // a placeholder without music
    if (!only.empty() && std::find(only.begin(), only.end(), f.filename().string()) == only.end()) continue;
    const ds::Split s = ds::split_of(f.filename().string(), {}, 0);
    if (s == ds::Split::kTrain && have_train < train)
      ++have_train;
    else if (s == ds::Split::kValid && have_valid < 1)
      ++have_valid;
    else
      continue;
    fs::copy_file(f, to / f.filename());
    if (have_train == train && have_valid == 1) return;
  }
  FAIL("tests/data/freedoom has too few files for the split");
}

}  // namespace cadenza::models::testing
