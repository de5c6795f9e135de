#include "optim/accumulate.h"

#include "engine/error.h"
#include "ops/autograd.h"
#include "ops/binary.h"
#include "optim/clip.h"

namespace cadenza::optim {

GradientAccumulator::GradientAccumulator(Optimizer& opt, int64_t micro_batches, std::optional<double> clip_norm)
    : opt_(opt), k_(micro_batches), clip_norm_(clip_norm) {
  CADENZA_CHECK(k_ >= 1, "GradientAccumulator: micro_batches must be >= 1, got {}", k_);
}

bool GradientAccumulator::backward(const Tensor& loss) {
  cadenza::backward(k_ == 1 ? loss : mul(loss, 1.0 / double(k_)));
  if (++pending_ < k_) return false;
  pending_ = 0;
  if (clip_norm_) clip_grad_norm(opt_.params(), *clip_norm_);
  opt_.step();
  opt_.zero_grad();
  return true;
}

}  // namespace cadenza::optim
