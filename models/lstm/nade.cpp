#include "models/lstm/nade.h"

#include <cmath>

#include "engine/error.h"
#include "nn/init.h"
#include "ops/ops.h"

namespace cadenza::models {

NadeOutput::NadeOutput(int64_t state_size, int64_t keys, int64_t hidden) : keys_(keys) {
  CADENZA_CHECK(state_size > 0 && keys > 0 && hidden > 0, "nade: sizes must be positive (state {}, keys {}, hidden {})",
                state_size, keys, hidden);
  visible_bias_ = register_module("visible_bias", std::make_shared<nn::Linear>(state_size, keys));
  hidden_bias_ = register_module("hidden_bias", std::make_shared<nn::Linear>(state_size, hidden));
  in_weight_ = register_parameter("in_weight", Tensor::zeros({keys, hidden}));
  out_weight_ = register_parameter("out_weight", Tensor::zeros({keys, hidden}));
  // Each a_i sums up to K rows of W and each logit H terms of V: bounds that keep both
  // O(1) at initialisation, as Linear's default does for its fan-in.
  nn::init::uniform_(in_weight_, -1 / std::sqrt(double(keys)), 1 / std::sqrt(double(keys)));
  nn::init::uniform_(out_weight_, -1 / std::sqrt(double(hidden)), 1 / std::sqrt(double(hidden)));
}

Tensor NadeOutput::logits(const Tensor& state, const Tensor& frames) const {
  CADENZA_CHECK(frames.dim() >= 1 && frames.size(-1) == keys_, "nade: frames {} should end in {} keys",
                shape_str(frames.shape()), keys_);
  Shape lead(frames.shape().begin(), frames.shape().end() - 1);
  CADENZA_CHECK(state.dim() == frames.dim() && Shape(state.shape().begin(), state.shape().end() - 1) == lead,
                "nade: state {} and frames {} differ before the last axis", shape_str(state.shape()),
                shape_str(frames.shape()));
  const int64_t n = frames.numel() / keys_;
  const int64_t hidden = in_weight_.size(1);
  // below[r, i, j] = v[r, j] for j < i: the keys each conditional may see.
  Tensor v = reshape(to_dtype(frames, in_weight_.dtype()), {n, 1, keys_});
  Tensor below = mul(v, tril_mask(keys_, keys_, -1, v.dtype(), v.device()));
  Tensor a = add(reshape(matmul(reshape(below, {n * keys_, keys_}), in_weight_), {n, keys_, hidden}),
                 reshape(hidden_bias_->forward(state), {n, 1, hidden}));
  Tensor read = sum(mul(sigmoid(a), out_weight_), {-1});  // [n, K]: V_i · h_i
  Shape out = lead;
  out.push_back(keys_);
  return add(visible_bias_->forward(state), reshape(read, out));
}

Tensor NadeOutput::decode(const Tensor& state, const Choose& choose, Tensor* conditionals) const {
  CADENZA_CHECK(state.dim() == 2, "nade: decode expects state [N, S], got {}", shape_str(state.shape()));
  const int64_t n = state.size(0);
  Tensor b = visible_bias_->forward(state);  // [N, K]
  Tensor a = hidden_bias_->forward(state);   // [N, H]
  std::vector<Tensor> keys, seen;
  for (int64_t i = 0; i < keys_; ++i) {
    Tensor logit =
        add(reshape(narrow(b, 1, i, 1), {n}), sum(mul(sigmoid(a), narrow(out_weight_, 0, i, 1)), {-1}));  // [N]
    Tensor v = choose(i, logit);
    CADENZA_CHECK(v.shape() == Shape{n}, "nade: choose returned {} for key {}, expected [{}]", shape_str(v.shape()), i,
                  n);
    v = to_dtype(v, a.dtype());
    a = add(a, mul(reshape(v, {n, 1}), narrow(in_weight_, 0, i, 1)));
    keys.push_back(reshape(v, {n, 1}));
    if (conditionals) seen.push_back(reshape(logit, {n, 1}));
  }
  if (conditionals) *conditionals = concat(seen, 1);
  return concat(keys, 1);
}

}  // namespace cadenza::models
