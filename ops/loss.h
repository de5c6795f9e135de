#pragma once
// Loss functions with PyTorch's semantics, built from ops (log_softmax, elementwise and
// reductions), so every order of derivative works. Classes sit on the LAST axis of the
// logits ([N, C] or [..., C], e.g. [batch, time, vocab]); PyTorch puts them on axis 1.
#include "engine/tensor.h"

namespace cadenza {

enum class Reduction : uint8_t { none, mean, sum };

struct CrossEntropyOptions {
  int64_t ignore_index = -100;            // targets equal to this add nothing and are not counted
  double label_smoothing = 0;             // eps: (1 - eps) * nll + eps * mean over classes of -log p
  Reduction reduction = Reduction::mean;  // mean: over the non-ignored targets
};

// logits [..., C], target integer [...] with values in [0, C) or ignore_index.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& opts = {});
// The same on log-probabilities (no label smoothing).
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, int64_t ignore_index = -100,
                Reduction reduction = Reduction::mean);
// Elementwise Bernoulli NLL on logits in the overflow-free form
// max(x, 0) - x t + log1p(exp(-|x|)); pos_weight (optional, broadcast over the last axis)
// scales the positive term as in PyTorch: (1 - t) x + (1 + (pw - 1) t) softplus(-x).
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets, const Tensor& pos_weight = {},
                                        Reduction reduction = Reduction::mean);
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

}  // namespace cadenza
