#include "music/dataset/batch.h"

#include <fmt/format.h>
#include <algorithm>
#include <stdexcept>

namespace cadenza::music::dataset {

TokenBatch make_token_batch(const std::vector<std::vector<int32_t>>& sequences, int32_t pad_id, int64_t length) {
  TokenBatch b;
  b.batch = static_cast<int64_t>(sequences.size());
  if (length <= 0)
    for (const auto& s : sequences) length = std::max<int64_t>(length, static_cast<int64_t>(s.size()));
  b.length = length;
  b.tokens.assign(static_cast<size_t>(b.batch * length), pad_id);
  b.mask.assign(static_cast<size_t>(b.batch * length), 0);
  for (size_t i = 0; i < sequences.size(); ++i) {
    const size_t n = std::min<size_t>(sequences[i].size(), static_cast<size_t>(length));
    std::copy_n(sequences[i].begin(), n, b.tokens.begin() + static_cast<int64_t>(i) * length);
    std::fill_n(b.mask.begin() + static_cast<int64_t>(i) * length, n, 1);
  }
  return b;
}

RollBatch make_roll_batch(const std::vector<repr::RollPiece>& pieces, int64_t steps) {
  if (steps <= 0)
    for (const auto& p : pieces) steps = std::max<int64_t>(steps, static_cast<int64_t>(p.size()));
  RollBatch b;
  const int64_t keys = repr::kRollPitches;
  b.shape = {static_cast<int64_t>(pieces.size()), steps, keys};
  b.data.assign(static_cast<size_t>(b.shape[0] * steps * keys), 0.0f);
  b.mask.assign(static_cast<size_t>(b.shape[0] * steps), 0);
  for (size_t i = 0; i < pieces.size(); ++i) {
    const int64_t n = std::min<int64_t>(steps, static_cast<int64_t>(pieces[i].size()));
    for (int64_t t = 0; t < n; ++t) {
      b.mask[i * steps + t] = 1;
      for (int p : pieces[i][t]) {
        if (p < repr::kRollLowestPitch || p >= repr::kRollLowestPitch + keys)
          throw std::out_of_range(fmt::format("pitch {} outside the 88-key roll", p));
        b.data[(i * steps + t) * keys + (p - repr::kRollLowestPitch)] = 1.0f;
      }
    }
  }
  return b;
}

}  // namespace cadenza::music::dataset
