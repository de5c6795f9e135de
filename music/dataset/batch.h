// Batches as plain row-major buffers; the model layer wraps them into tensors.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "music/repr/json_roll.h"

namespace cadenza::music::dataset {

// tokens[b * length + t], mask 1 where a real token is, 0 where padding (pad_id) is.
struct TokenBatch {
  int64_t batch = 0;
  int64_t length = 0;
  std::vector<int32_t> tokens;
  std::vector<uint8_t> mask;
};

// shape {batch, steps, pitches}: data[(b * steps + t) * pitches + k] is 1.0 where pitch
// lowest + k sounds; mask[b * steps + t] is 1 for real steps, 0 for padding.
struct RollBatch {
  std::array<int64_t, 3> shape{0, 0, 0};
  std::vector<float> data;
  std::vector<uint8_t> mask;
};

// Pads (or cuts) each sequence to `length` (0: the longest one).
TokenBatch make_token_batch(const std::vector<std::vector<int32_t>>& sequences, int32_t pad_id, int64_t length = 0);

// 88-key frames of each piece (pitch 21 + k), padded or cut to `steps` (0: the longest).
RollBatch make_roll_batch(const std::vector<repr::RollPiece>& pieces, int64_t steps = 0);

}  // namespace cadenza::music::dataset
