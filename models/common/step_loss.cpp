#include "models/common/step_loss.h"

#include "engine/autograd.h"
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

double frame_accuracy_sum(const Tensor& logits, const Tensor& targets, const Tensor& mask) {
  // On the logits' device; the one host read is the final sum.
  NoGradGuard no_grad;
  const Tensor pred = gt(logits.detach(), 0.0);
  const Tensor truth = to_dtype(gt(targets, 0.5), pred.dtype());
  const Tensor tp = sum(mul(pred, truth), {-1});
  const Tensor counted = add(tp, sum(ne(pred, truth), {-1}));  // true positives + wrong keys
  // A frame with nothing predicted and nothing sounding is fully right.
  const Tensor empty = eq(counted, 0.0);
  Tensor acc = where(empty, add(empty, tp), div(tp, add(counted, empty)));
  if (mask.defined()) acc = mul(acc, gt(to_dtype(mask, acc.dtype()), 0.0));
  return sum(acc).item<double>();
}

}  // namespace cadenza::models
