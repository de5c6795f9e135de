#pragma once
// A model with a latent space over fixed-length token segments (music_vae): encode a
// segment to its posterior, decode a code back to tokens. `cadenza interpolate`,
// `attributes` and `transform` work on any family that implements it
// (models/capability.h).
#include <cstdint>
#include <utility>
#include <vector>

#include "models/model.h"

namespace cadenza::models {

class LatentModel : public Model {
 public:
  // tokens i64 [B, T] -> mu, sigma [B, Z].
  virtual std::pair<Tensor, Tensor> encode(const Tensor& tokens) = 0;
  // z [B, Z] -> B token sequences of `length` (temperature 0: argmax at each step).
  virtual std::vector<std::vector<int32_t>> decode(const Tensor& z, int64_t length, double temperature,
                                                   Generator& gen) = 0;
  // The tokens of one segment, and a score's first segment (shorter ones padded with rests).
  virtual int64_t segment_length() const = 0;
  virtual std::vector<int32_t> segment_tokens(const music::Score& score) const = 0;
  // `steps` >= 2 points on the path between the codes of a's and b's first segments, each
  // decoded, one after another as one score.
  virtual music::Score interpolate(const music::Score& a, const music::Score& b, int64_t steps, double temperature,
                                   Generator& gen) = 0;
};

}  // namespace cadenza::models
