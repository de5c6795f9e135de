#pragma once
// A small multitrack MIDI folder for MuseGAN tests: copies of freedoom_music files (from
// ../shared/data) chosen so that the folder's file-name split (models/data.h) has
// `train` training files and one validation file.
#include <catch2/catch.hpp>
#include <filesystem>

#include "music/dataset/split.h"

namespace cadenza::models::testing {

inline void copy_freedoom_files(const std::filesystem::path& to, int train = 3) {
  namespace fs = std::filesystem;
  namespace ds = music::dataset;
  fs::path src = fs::path(CADENZA_SOURCE_DIR) / "../shared/data/freedoom_music";
  if (!fs::is_directory(src)) src = "/work/shared/data/freedoom_music";
  REQUIRE(fs::is_directory(src));
  fs::create_directories(to);
  int have_train = 0, have_valid = 0;
  for (const fs::path& f : ds::midi_files(src)) {
    if (f.filename() == "dummy.mid") continue;  // a placeholder without music
    const ds::Split s = ds::split_of(f.filename().string(), {}, 0);
    if (s == ds::Split::kTrain && have_train < train) ++have_train;
    else if (s == ds::Split::kValid && have_valid < 1) ++have_valid;
    else continue;
    fs::copy_file(f, to / f.filename());
    if (have_train == train && have_valid == 1) return;
  }
  FAIL("freedoom_music has too few files for the split");
}

}  // namespace cadenza::models::testing
