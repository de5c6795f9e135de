#include "engine/optim/clip.h"

#include <cmath>

#include "engine/autograd.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/unary.h"

namespace cadenza::optim {

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  NoGradGuard no_grad;
  double sq = 0;
  for (const Tensor& p : params)
    if (Tensor g = p.grad(); g.defined()) sq += sum(square(g)).item<double>();
  double norm = std::sqrt(sq);
  double coef = max_norm / (norm + 1e-6);
  if (coef < 1)
    for (const Tensor& p : params)
      if (Tensor g = p.grad(); g.defined()) copy_(g, mul(g, coef));
  return norm;
}

}  // namespace cadenza::optim
