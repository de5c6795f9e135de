#include "nn/attention.h"

#include <algorithm>
#include <cmath>

#include "engine/autograd.h"
#include "nn/init.h"
#include "ops/attention.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/matmul.h"
#include "ops/view.h"

namespace cadenza::nn {

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads, AttentionOptions opts, Generator& gen)
    : embed_dim_(embed_dim), heads_(num_heads) {
  CADENZA_CHECK(num_heads > 0 && embed_dim % num_heads == 0,
                "MultiheadAttention: embed_dim {} is not divisible by num_heads {}", embed_dim, num_heads);
  in_proj_weight = register_parameter("in_proj_weight", Tensor::empty({3 * embed_dim, embed_dim}));
  if (opts.bias) in_proj_bias = register_parameter("in_proj_bias", Tensor::zeros({3 * embed_dim}));
  out_proj = register_module("out_proj", std::make_shared<Linear>(embed_dim, embed_dim, opts.bias, gen));
  // torch: xavier_uniform_ on [3E, E] (bound sqrt(6 / (E + 3E))), zero out_proj bias.
  double bound = std::sqrt(6.0 / double(4 * embed_dim));
  init::uniform_(in_proj_weight, -bound, bound, gen);
  if (opts.bias) {
    NoGradGuard no_grad;
    fill_(out_proj->bias, 0);
  }
  if (opts.max_relative_position > 0) {
    int64_t d = embed_dim / num_heads;
    rel_emb = register_parameter("rel_emb", Tensor::empty({opts.max_relative_position, d}));
    init::normal_(rel_emb, 0, 1 / std::sqrt(double(d)), gen);  // tensor2tensor's stddev depth^-0.5
  }
}

Tensor MultiheadAttention::project(const Tensor& x, int64_t which) const {
  const HalfMatrix& half = in_half_[which];
  Tensor y = reads_half(half, x) ? matmul_half(x, half)
                                 : matmul(x, narrow(in_proj_weight, 0, which * embed_dim_, embed_dim_), false, true);
  if (in_proj_bias.defined()) y = add(y, narrow(in_proj_bias, 0, which * embed_dim_, embed_dim_));
  return permute(reshape(y, {x.size(0), x.size(1), heads_, embed_dim_ / heads_}), {0, 2, 1, 3});
}

Tensor MultiheadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value, bool causal,
                                   const Tensor& key_padding_mask) const {
  CADENZA_CHECK(query.dim() == 3 && key.dim() == 3 && value.dim() == 3 && query.size(2) == embed_dim_ &&
                    key.size(2) == embed_dim_ && value.size(2) == embed_dim_ && key.size(0) == query.size(0) &&
                    value.shape() == key.shape(),
                "MultiheadAttention: query {}, key {}, value {} should be [B, L, {}], [B, S, {}], [B, S, {}]",
                shape_str(query.shape()), shape_str(key.shape()), shape_str(value.shape()), embed_dim_, embed_dim_,
                embed_dim_);
  return merge_heads(
      attention(project(query, 0), project(key, 1), project(value, 2), causal, key_padding_mask, rel_emb));
}

Tensor MultiheadAttention::merge_heads(const Tensor& o) const {
  return out_proj->forward(reshape(permute(o, {0, 2, 1, 3}), {o.size(0), o.size(2), embed_dim_}));
}

void MultiheadAttention::quantize_for_inference(WeightPrecision p) {
  CADENZA_CHECK(p != WeightPrecision::bf16, "MultiheadAttention: no bf16 inference path (f16 or f32)");
  for (int64_t which = 0; which < 3; ++which)
    in_half_[which] = p == WeightPrecision::f16
                          ? to_half(contiguous(narrow(in_proj_weight, 0, which * embed_dim_, embed_dim_)))
                          : HalfMatrix{};
}

void KVCache::append(const Tensor& k_new, const Tensor& v_new) {
  if (GradMode::enabled() && (k_new.requires_grad() || v_new.requires_grad() || k.requires_grad())) {
    k = k.defined() ? concat({k, k_new}, 2) : k_new;
    v = v.defined() ? concat({v, v_new}, 2) : v_new;
    k_buffer_ = v_buffer_ = Tensor();
    start_ = 0;
    return;
  }
  NoGradGuard no_grad;
  const int64_t held = length(), added = k_new.size(2);
  const int64_t capacity = k_buffer_.defined() ? k_buffer_.size(2) : 0;
  if (start_ + held + added > capacity) {
    if (held + added <= capacity / 2) {
      // Slid far enough that the held rows fit before their start: move them to the front
      // (the ranges cannot overlap, start_ >= capacity / 2 >= held).
      copy_(narrow(k_buffer_, 2, 0, held), k);
      copy_(narrow(v_buffer_, 2, 0, held), v);
    } else {
      Shape shape = k_new.shape();
      shape[2] = std::max(held + added > reserved_ ? 2 * (held + added) : reserved_, int64_t{16});
      Tensor kb = Tensor::empty(shape, k_new.dtype(), k_new.device());
      shape[3] = v_new.size(3);
      Tensor vb = Tensor::empty(shape, v_new.dtype(), v_new.device());
      if (held > 0) {
        copy_(narrow(kb, 2, 0, held), k);
        copy_(narrow(vb, 2, 0, held), v);
      }
      k_buffer_ = kb;
      v_buffer_ = vb;
    }
    start_ = 0;
  }
  copy_(narrow(k_buffer_, 2, start_ + held, added), k_new);
  copy_(narrow(v_buffer_, 2, start_ + held, added), v_new);
  k = narrow(k_buffer_, 2, start_, held + added);
  v = narrow(v_buffer_, 2, start_, held + added);
}

void KVCache::keep_last(int64_t n) {
  CADENZA_CHECK(n >= 0, "KVCache::keep_last: n must be at least 0, got {}", n);
  const int64_t drop = length() - n;
  if (drop <= 0) return;
  if (k_buffer_.defined()) start_ += drop;
  k = narrow(k, 2, drop, n);
  v = narrow(v, 2, drop, n);
}

Tensor MultiheadAttention::forward_cached(const Tensor& x, KVCache& cache) const {
  CADENZA_CHECK(x.dim() == 3 && x.size(2) == embed_dim_ && (!cache.k.defined() || cache.k.size(0) == x.size(0)),
                "MultiheadAttention::forward_cached: x {} should be [B, L, {}] with B = the cache's {}",
                shape_str(x.shape()), embed_dim_, cache.k.defined() ? cache.k.size(0) : x.size(0));
  cache.append(project(x, 1), project(x, 2));
  return merge_heads(attention(project(x, 0), cache.k, cache.v, /*causal=*/true, {}, rel_emb));
}

}  // namespace cadenza::nn
