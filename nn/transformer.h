#pragma once
// A pre-norm Transformer decoder block (decoder-only, as GPT and the Music Transformer):
//   x = x + Dropout(SelfAttention(LayerNorm1(x), causal))
//   x = x + Dropout(Linear2(Dropout(act(Linear1(LayerNorm2(x))))))
// Submodule names match torch.nn.TransformerEncoderLayer(norm_first=True,
// batch_first=True) run with a causal mask, which computes exactly this.
#include <memory>

#include "nn/attention.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/norm.h"

namespace cadenza::nn {

struct DecoderBlockOptions {
  double dropout = 0.1;
  bool gelu = false;  // ReLU otherwise (torch's default)
  int64_t max_relative_position = 0;
  double layer_norm_eps = 1e-5;
  Generator* dropout_gen = nullptr;
};

class TransformerDecoderBlock : public Module {
 public:
  TransformerDecoderBlock(int64_t d_model, int64_t num_heads, int64_t d_ff, DecoderBlockOptions opts = {},
                          Generator& gen = default_generator());
  // x [B, L, d_model]; key_padding_mask [B, L], nonzero = padding.
  Tensor forward(const Tensor& x, const Tensor& key_padding_mask = {}) const;
  // x [B, L, d_model]: the L positions after those in `cache` (which it extends); equals
  // the last L rows of forward(history + x). For incremental decoding.
  Tensor forward_cached(const Tensor& x, KVCache& cache) const;

  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1, linear2;
  std::shared_ptr<LayerNorm> norm1, norm2;
  std::shared_ptr<Dropout> dropout;

 private:
  Tensor feed_forward(const Tensor& h) const;  // h + the feed-forward sublayer
  bool gelu_;
};

}  // namespace cadenza::nn
