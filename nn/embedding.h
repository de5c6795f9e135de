#pragma once
// Embedding: a lookup table [num_embeddings, dim] initialised N(0, 1), as torch.nn.Embedding.
#include "engine/rng.h"
#include "nn/module.h"

namespace cadenza::nn {

class Embedding : public Module {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, Generator& gen = default_generator());
  // idx (i64/i32, any shape) -> [..., dim]
  Tensor forward(const Tensor& idx) const;

  Tensor weight;
};

}  // namespace cadenza::nn
