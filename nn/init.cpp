#include "nn/init.h"

#include <cmath>

#include "engine/error.h"
#include "ops/random.h"

namespace cadenza::nn::init {

void uniform_(const Tensor& t, double lo, double hi, Generator& gen) {
  CADENZA_CHECK(is_floating(t.dtype()), "init: expected a floating tensor, got {}", dtype_name(t.dtype()));
  random_(t, RandomDist::uniform, {lo, hi}, &gen);
}

void normal_(const Tensor& t, double mean, double std, Generator& gen) {
  CADENZA_CHECK(is_floating(t.dtype()), "init: expected a floating tensor, got {}", dtype_name(t.dtype()));
  random_(t, RandomDist::normal, {mean, std}, &gen);
}

int64_t fan_in(const Tensor& weight) {
  CADENZA_CHECK(weight.dim() >= 2, "init: fan_in needs a weight of 2 or more axes, got {}", shape_str(weight.shape()));
  int64_t f = weight.size(1);
  for (int64_t i = 2; i < weight.dim(); ++i) f *= weight.size(i);
  return f;
}

void kaiming_uniform_(const Tensor& weight, double a, Generator& gen) {
  double gain = std::sqrt(2.0 / (1.0 + a * a));
  double bound = gain * std::sqrt(3.0 / static_cast<double>(fan_in(weight)));
  uniform_(weight, -bound, bound, gen);
}

void linear_default_(const Tensor& weight, const Tensor& bias, Generator& gen) {
  kaiming_uniform_(weight, std::sqrt(5.0), gen);
  if (bias.defined()) {
    double bound = 1.0 / std::sqrt(static_cast<double>(fan_in(weight)));
    uniform_(bias, -bound, bound, gen);
  }
}

}  // namespace cadenza::nn::init
