#pragma once
// The NADE output layer of an RNN-NADE (Boulanger-Lewandowski, Bengio & Vincent 2012):
// instead of K independent Bernoulli keys, the keys of one frame are modelled in order,
// each conditioned on the keys below it,
//
//   a_0 = c,   a_i = a_{i-1} + v_{i-1} W_{i-1},   h_i = sigmoid(a_i),
//   p(v_i = 1 | v_<i) = sigmoid(b_i + V_i · h_i),
//
// where the biases b [K] and c [H] come from the recurrent state of the frame (two
// Linear maps of it) and W, V [K, H] are shared over time. The product of these
// conditionals is a proper distribution over all 2^K frames, so chords (keys that sound
// together) are modelled, which independent Bernoulli outputs cannot do.
//
// Teacher forcing evaluates all K conditionals of every frame at once: a_i is c plus the
// strictly-lower-triangular mask times v, times W — one GEMM, differentiable with ops.
#include <functional>

#include "nn/linear.h"
#include "nn/module.h"

namespace cadenza::models {

class NadeOutput : public nn::Module {
 public:
  NadeOutput(int64_t state_size, int64_t keys, int64_t hidden);

  // state [..., S], frames v [..., K] (0/1) -> the K conditional logits [..., K].
  Tensor logits(const Tensor& state, const Tensor& frames) const;

  // Decodes one frame per row of state [N, S], key after key: choose(i, logit [N]) gives
  // v_i [N] as 0/1 in the logits' dtype (a draw, a threshold, or given keys). Returns the
  // frames [N, K]; with `conditionals`, also the K logits it saw.
  using Choose = std::function<Tensor(int64_t key, const Tensor& logit)>;
  Tensor decode(const Tensor& state, const Choose& choose, Tensor* conditionals = nullptr) const;

 private:
  int64_t keys_;
  std::shared_ptr<nn::Linear> visible_bias_;  // state -> b [K]
  std::shared_ptr<nn::Linear> hidden_bias_;   // state -> c [H]
  Tensor in_weight_;                          // W [K, H]: what key i adds to a_{>i}
  Tensor out_weight_;                         // V [K, H]: key i's read-out of h_i
};

}  // namespace cadenza::models
