#pragma once
// The optimizers' fused parameter updates (optim/sgd.h, optim/adam.h drive them): one pass
// over a contiguous parameter, its gradient and its state, as torch.optim steps.
//
// SGD: d = g + wd·p; buf = d on the first step, else momentum·buf + (1 − dampening)·d;
// d = nesterov ? d + momentum·buf : buf; p −= lr·d.
// Adam: Adam adds wd·p to the gradient, AdamW scales p by (1 − lr·wd) first; then
// m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², p −= lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps).
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

struct SgdStepParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov;
  bool first;  // the momentum buffer was just created: it takes d itself
};
// `buf` is undefined without momentum.
extern Kernel<void(const Tensor& param, const Tensor& grad, const Tensor& buf, SgdStepParams)> sgd_step_kernel;

struct AdamStepParams {
  double lr, beta1, beta2, eps, weight_decay;
  bool decoupled;  // AdamW
  int64_t step;    // 1-based, for the bias corrections
};
extern Kernel<void(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                   AdamStepParams)>
    adam_step_kernel;

}  // namespace cadenza
