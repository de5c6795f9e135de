#include "optim/clip.h"

#include <cmath>

#include "engine/autograd.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/unary.h"

namespace cadenza::optim {

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  NoGradGuard no_grad;
  // Summed where the gradients live; one host read for the whole model, not one per
  // parameter (each read waits for the device).
  Tensor sq;
  for (const Tensor& p : params)
    if (Tensor g = p.grad(); g.defined()) {
      Tensor s = sum(square(g));
      sq = sq.defined() ? add(sq, to_dtype(s, sq.dtype())) : s;
    }
  if (!sq.defined()) return 0.0;
  double norm = std::sqrt(sq.item<double>());
  double coef = max_norm / (norm + 1e-6);
  if (coef < 1)
    for (const Tensor& p : params)
      if (Tensor g = p.grad(); g.defined()) copy_(g, mul(g, coef));
  return norm;
}

}  // namespace cadenza::optim
