// Piano-roll batches from a JSON roll split (the corpora fit in memory: the largest is
// 3 MB). Each batch draws `batch_size` pieces at random (with replacement), crops a
// random window of `steps` (shorter pieces are padded and masked), and optionally
// transposes each by a random shift that keeps it inside the 88 keys. Deterministic
// from the seed.
#pragma once

#include <vector>

#include "music/dataset/batch.h"
#include "music/dataset/rng.h"
#include "music/repr/json_roll.h"

namespace cadenza::music::dataset {

struct RollDatasetConfig {
  int64_t batch_size = 16;
  int64_t steps = 64;
  int max_transpose = 0;
  uint64_t seed = 0;
};

class RollDataset {
 public:
  RollDataset(std::vector<repr::RollPiece> pieces, RollDatasetConfig config);
  RollBatch next();
  size_t size() const { return pieces_.size(); }

 private:
  std::vector<repr::RollPiece> pieces_;
  RollDatasetConfig config_;
  Rng rng_;
};

}  // namespace cadenza::music::dataset
