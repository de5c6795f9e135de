#include "models/lstm/step_loss.h"

#include "engine/error.h"
#include "ops/ops.h"

namespace cadenza::models {

LossResult masked_step_loss(const Tensor& step_nll, const Tensor& mask, const std::string& model) {
  Tensor m = mask.defined() ? to_dtype(mask, step_nll.dtype()) : Tensor::ones(step_nll.shape(), step_nll.dtype());
  CADENZA_CHECK(m.shape() == step_nll.shape(), "{}: mask {} does not match the steps {}", model, shape_str(m.shape()),
                shape_str(step_nll.shape()));
  LossResult r;
  Tensor total = sum(mul(step_nll, m));
  r.steps = sum(m).item<double>();
  CADENZA_CHECK(r.steps > 0, "{}: the batch mask counts no step", model);
  r.nll_sum = total.item<double>();
  r.loss = div(total, r.steps);
  return r;
}

}  // namespace cadenza::models
