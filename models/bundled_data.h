#pragma once
// Where the corpora bundled with cadenza (the repository's data/ folder) and its model zoo
// (zoo/) are found, from
// any working directory, build directory or installed prefix:
//   1. $CADENZA_DATA_DIR (or $CADENZA_ZOO_DIR), when set (it must then hold the files: no fallback);
//   2. the source checkout's folder that this program was built from, fixed at configure time;
//   3. the installed prefix's share/cadenza/<folder>, fixed at configure time too.
// The working directory and the executable's location play no part, so a `data/` folder
// of the user's own is never taken for the bundled one.
#include <filesystem>
#include <string>

namespace cadenza::models {

// The folder of the bundled corpora; throws with the places it looked when none holds them.
std::filesystem::path bundled_data_dir();

// A bundled file (e.g. "jsb-chorales-quarter.json") in bundled_data_dir().
std::filesystem::path bundled_data_file(const std::string& name);

// The folder of the model zoo (the repository's zoo/, models/zoo.h), looked for the same
// way: $CADENZA_ZOO_DIR, the checkout's zoo/, the installed prefix's share/cadenza/zoo.
// Throws with the places it looked when none holds it.
std::filesystem::path zoo_dir();

}  // namespace cadenza::models
