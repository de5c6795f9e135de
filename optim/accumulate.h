#pragma once
// Gradient accumulation: k micro-batches of B/k make one step on a batch of B. Each
// micro-batch's mean loss is scaled by 1/k before backward, so the summed gradient is the
// gradient of the mean over the whole batch; every k-th call clips (optionally) and steps.
#include <optional>

#include "optim/optimizer.h"

namespace cadenza::optim {

class GradientAccumulator {
 public:
  GradientAccumulator(Optimizer& opt, int64_t micro_batches, std::optional<double> clip_norm = {});
  // Backpropagates loss / k; returns true when this call completed a step (and zeroed grads).
  bool backward(const Tensor& loss);
  int64_t micro_batches() const { return k_; }

 private:
  Optimizer& opt_;
  int64_t k_;
  std::optional<double> clip_norm_;
  int64_t pending_ = 0;
};

}  // namespace cadenza::optim
