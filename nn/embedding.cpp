#include "nn/embedding.h"

#include "nn/init.h"
#include "ops/index.h"

namespace cadenza::nn {

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim, Generator& gen) {
  weight = register_parameter("weight", Tensor::empty({num_embeddings, embedding_dim}));
  init::normal_(weight, 0, 1, gen);
}

Tensor Embedding::forward(const Tensor& idx) const { return embedding(weight, idx); }

}  // namespace cadenza::nn
