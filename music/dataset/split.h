// Train / valid / test splits, deterministic from a seed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::music::dataset {

enum class Split { kTrain, kValid, kTest };
Split parse_split(const std::string& name);  // "train", "valid", "test"

struct SplitFractions {
  double valid = 0.1;
  double test = 0.1;
};

// By file name: each name hashes (with the seed) to a point in [0, 1); below `test` goes
// to test, then `valid`, the rest to train. Adding files never moves existing ones.
Split split_of(const std::string& name, const SplitFractions& fractions, uint64_t seed);

// The .mid/.midi files under `dir` (recursive, sorted by path) that fall in `split`.
std::vector<std::filesystem::path> midi_files(const std::filesystem::path& dir, Split split,
                                              const SplitFractions& fractions, uint64_t seed);
// Every .mid/.midi file under `dir`, sorted.
std::vector<std::filesystem::path> midi_files(const std::filesystem::path& dir);

}  // namespace cadenza::music::dataset
