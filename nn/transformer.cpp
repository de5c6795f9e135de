#include "nn/transformer.h"

#include "ops/binary.h"
#include "ops/unary.h"

namespace cadenza::nn {

TransformerDecoderBlock::TransformerDecoderBlock(int64_t d_model, int64_t num_heads, int64_t d_ff,
                                                 DecoderBlockOptions opts, Generator& gen)
    : gelu_(opts.gelu) {
  // Registration order = torch's, so named_parameters() lists the same names in the same order.
  self_attn = register_module(
      "self_attn", std::make_shared<MultiheadAttention>(
                       d_model, num_heads, AttentionOptions{.max_relative_position = opts.max_relative_position}, gen));
  linear1 = register_module("linear1", std::make_shared<Linear>(d_model, d_ff, true, gen));
  linear2 = register_module("linear2", std::make_shared<Linear>(d_ff, d_model, true, gen));
  norm1 = register_module("norm1", std::make_shared<LayerNorm>(Shape{d_model}, opts.layer_norm_eps));
  norm2 = register_module("norm2", std::make_shared<LayerNorm>(Shape{d_model}, opts.layer_norm_eps));
  dropout = register_module("dropout", std::make_shared<Dropout>(opts.dropout, opts.dropout_gen));
}

Tensor TransformerDecoderBlock::forward(const Tensor& x, const Tensor& key_padding_mask) const {
  return feed_forward(
      add(x, dropout->forward(self_attn->forward(norm1->forward(x), /*causal=*/true, key_padding_mask))));
}

Tensor TransformerDecoderBlock::forward_cached(const Tensor& x, KVCache& cache) const {
  return feed_forward(add(x, dropout->forward(self_attn->forward_cached(norm1->forward(x), cache))));
}

Tensor TransformerDecoderBlock::feed_forward(const Tensor& h) const {
  Tensor f = linear1->forward(norm2->forward(h));
  f = gelu_ ? gelu(f) : relu(f);
  return add(h, dropout->forward(linear2->forward(dropout->forward(f))));
}

}  // namespace cadenza::nn
