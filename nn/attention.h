#pragma once
// Multi-head attention with torch.nn.MultiheadAttention's parameters (in_proj_weight
// [3E, E], in_proj_bias [3E], out_proj) and initialisation (Xavier-uniform in_proj, zero
// biases), batch-first layout [B, L, E] (torch's batch_first=True), causal and key padding
// masks, and optionally the Music Transformer's learned relative-position embeddings
// (Huang et al. 2018): rel_emb [max_relative_position, E/heads], shared by the heads,
// applied with the memory-efficient skewing of ops/attention.h (causal self-attention only).
// No dropout on the attention weights.
#include <memory>

#include "engine/rng.h"
#include "nn/linear.h"
#include "nn/module.h"
#include "nn/precision.h"
#include "ops/half_matmul.h"

namespace cadenza::nn {

// Keys and values of the positions seen so far, [B, heads, S, head_dim] each, for
// incremental decoding: forward_cached appends the new positions' projections, so a step
// projects only its own tokens and attends over the whole history.
// k and v are views into buffers with room to spare: a step writes its rows in place (no
// copy of the history, no new allocation), and a sliding window moves the views' start
// forward, moving the rows back to the buffers' front only when the views reach their end
// (a copy every few hundred steps, not every step). A cached forward that records a
// gradient keeps the differentiable concatenation instead.
class KVCache {
 public:
  Tensor k, v;
  int64_t length() const { return k.defined() ? k.size(2) : 0; }
  // Adds positions [B, heads, L, head_dim] after the ones held.
  void append(const Tensor& k_new, const Tensor& v_new);
  // Forgets all but the newest n positions (a sliding window over a long history).
  void keep_last(int64_t n);
  // Sizes the buffers' first allocation for this many positions (a sampler that knows its
  // length allocates once; a window that slides needs twice the window).
  void reserve(int64_t positions) { reserved_ = positions; }

 private:
  Tensor k_buffer_, v_buffer_;  // [B, heads, capacity, head_dim]; undefined on the concat path
  int64_t start_ = 0;           // where k and v begin in the buffers
  int64_t reserved_ = 0;
};

struct AttentionOptions {
  bool bias = true;
  int64_t max_relative_position = 0;  // > 0: learn relative embeddings for that many distances
};

class MultiheadAttention : public Module {
 public:
  MultiheadAttention(int64_t embed_dim, int64_t num_heads, AttentionOptions opts = {},
                     Generator& gen = default_generator());
  // query [B, L, E], key and value [B, S, E]; key_padding_mask [B, S], nonzero = padding.
  Tensor forward(const Tensor& query, const Tensor& key, const Tensor& value, bool causal = false,
                 const Tensor& key_padding_mask = {}) const;
  Tensor forward(const Tensor& x, bool causal = false, const Tensor& key_padding_mask = {}) const {
    return forward(x, x, x, causal, key_padding_mask);
  }
  // Causal self-attention of x [B, L, E], the L positions that follow those in `cache`
  // (which it extends): equals the last L rows of forward(history + x, causal = true),
  // relative positions included.
  Tensor forward_cached(const Tensor& x, KVCache& cache) const;

  // f16 inference weights (nn/precision.h) for the q, k and v projections; f32
  // drops them; bf16 has no attention path. out_proj is a Linear with its own snapshot:
  // nn::quantize_for_inference(module, p) sets both.
  void quantize_for_inference(WeightPrecision p);
  WeightPrecision inference_precision() const {
    return in_half_[0].defined() ? WeightPrecision::f16 : WeightPrecision::f32;
  }

  Tensor in_proj_weight, in_proj_bias, rel_emb;
  std::shared_ptr<Linear> out_proj;

 private:
  Tensor project(const Tensor& x, int64_t which) const;  // -> [B, heads, L, head_dim]
  Tensor merge_heads(const Tensor& o) const;             // [B, heads, L, head_dim] -> out_proj
  int64_t embed_dim_, heads_;
  HalfMatrix in_half_[3];  // f16 snapshots of in_proj_weight's q, k, v rows, or empty
};

}  // namespace cadenza::nn
