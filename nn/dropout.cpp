#include "nn/dropout.h"

#include "engine/error.h"
#include "ops/random.h"

namespace cadenza::nn {

Dropout::Dropout(double p, Generator* gen) : p_(p), gen_(gen) {
  CADENZA_CHECK(p >= 0 && p < 1, "Dropout: p must lie in [0, 1), got {}", p);
}

Tensor Dropout::forward(const Tensor& x) const { return p_ == 0 ? x : dropout(x, p_, is_training(), gen_); }

}  // namespace cadenza::nn
