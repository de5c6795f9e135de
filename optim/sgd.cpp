#include "optim/sgd.h"

#include "ops/optim_step.h"

namespace cadenza::optim {

SGD::SGD(std::vector<Tensor> params, SgdOptions opts) : Optimizer(std::move(params), opts.lr), opts_(opts) {
  CADENZA_CHECK(!opts.nesterov || (opts.momentum > 0 && opts.dampening == 0),
                "SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
}

void SGD::update(size_t i, const Tensor& param, const Tensor& grad) {
  bool first = opts_.momentum != 0 && !has_state(i, "momentum_buffer");
  Tensor buf = opts_.momentum != 0 ? state(i, "momentum_buffer") : Tensor();
  sgd_step_kernel(param.device(), param, grad, buf,
                  {lr(), opts_.momentum, opts_.dampening, opts_.weight_decay, opts_.nesterov, first});
}

}  // namespace cadenza::optim
