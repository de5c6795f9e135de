#include "music/dataset/roll_dataset.h"

#include <stdexcept>

#include "music/dataset/augment.h"

namespace cadenza::music::dataset {

RollDataset::RollDataset(std::vector<repr::RollPiece> pieces, RollDatasetConfig config)
    : pieces_(std::move(pieces)), config_(config), rng_(config.seed) {
  if (pieces_.empty()) throw std::invalid_argument("roll dataset: no pieces");
  if (config_.batch_size < 1 || config_.steps < 1)
    throw std::invalid_argument("roll dataset: batch_size and steps must be positive");
}

RollBatch RollDataset::next() {
  std::vector<repr::RollPiece> crops;
  crops.reserve(static_cast<size_t>(config_.batch_size));
  for (int64_t b = 0; b < config_.batch_size; ++b) {
    const repr::RollPiece& piece = pieces_[rng_.below(pieces_.size())];
    const int64_t n = static_cast<int64_t>(piece.size());
    const int64_t start =
        n > config_.steps ? static_cast<int64_t>(rng_.below(static_cast<uint64_t>(n - config_.steps + 1))) : 0;
    repr::RollPiece crop(piece.begin() + start, piece.begin() + std::min(n, start + config_.steps));
    if (config_.max_transpose > 0) transpose(crop, random_transposition(crop, config_.max_transpose, rng_));
    crops.push_back(std::move(crop));
  }
  return make_roll_batch(crops, config_.steps);
}

}  // namespace cadenza::music::dataset
