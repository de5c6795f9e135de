#include "optim/adam.h"

#include "ops/optim_step.h"

namespace cadenza::optim {

Adam::Adam(std::vector<Tensor> params, AdamOptions opts) : Optimizer(std::move(params), opts.lr), opts_(opts) {
  CADENZA_CHECK(opts.beta1 >= 0 && opts.beta1 < 1 && opts.beta2 >= 0 && opts.beta2 < 1,
                "Adam: betas must lie in [0, 1), got ({}, {})", opts.beta1, opts.beta2);
  // Allocated now rather than at the first step, so the first step's memory use is already
  // the steady state's (the caching allocator then serves every later step).
  for (size_t i = 0; i < this->params().size(); ++i) state(i, "exp_avg"), state(i, "exp_avg_sq");
}

void Adam::update(size_t i, const Tensor& param, const Tensor& grad) {
  adam_step_kernel(param.device(), param, grad, state(i, "exp_avg"), state(i, "exp_avg_sq"),
                   {lr(), opts_.beta1, opts_.beta2, opts_.eps, opts_.weight_decay, decoupled(), step_count()});
}

}  // namespace cadenza::optim
