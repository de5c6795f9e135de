#include "models/data_source.h"

#include "music/dataset/rng.h"

namespace cadenza::models {
namespace ds = music::dataset;

uint64_t batch_seed(uint64_t seed, int64_t position) {
  ds::Rng mix(seed);
  return mix.next() ^ ds::Rng(static_cast<uint64_t>(position) * 0xD1B54A32D192ED03ull).next();
}

ds::Split dataset_split(DataSplit s) {
  return s == DataSplit::train ? ds::Split::kTrain : s == DataSplit::valid ? ds::Split::kValid : ds::Split::kTest;
}

}  // namespace cadenza::models
