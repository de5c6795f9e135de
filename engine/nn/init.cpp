#include "engine/nn/init.h"

#include <cmath>
#include <numbers>

#include "engine/autograd.h"
#include "engine/error.h"
#include "ops/copy.h"

namespace cadenza::nn::init {
namespace {

// Fills a host buffer with n uniforms in [0, 1) from consecutive Philox blocks, then writes
// f(u) into t (any device; the data crosses over once).
template <class F>
void fill_from_uniforms(const Tensor& t, Generator& gen, F&& f) {
  CADENZA_CHECK(is_floating(t.dtype()), "init: expected a floating tensor, got {}", dtype_name(t.dtype()));
  int64_t n = t.numel();
  std::vector<float> u(static_cast<size_t>(n + 4));
  uint64_t first = gen.reserve(static_cast<uint64_t>((n + 3) / 4));
  for (int64_t b = 0; b * 4 < n; ++b) {
    PhiloxBlock r = philox(first + static_cast<uint64_t>(b), gen.seed());
    for (int j = 0; j < 4; ++j) u[static_cast<size_t>(b * 4 + j)] = uniform_from_bits(r[static_cast<size_t>(j)]);
  }
  std::vector<double> v(static_cast<size_t>(n));
  f(u, v);
  NoGradGuard no_grad;
  copy_(t, to(Tensor::from_values<double>(v, t.shape()), t.device()));
}

}  // namespace

void uniform_(const Tensor& t, double lo, double hi, Generator& gen) {
  fill_from_uniforms(t, gen, [&](const std::vector<float>& u, std::vector<double>& v) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = lo + (hi - lo) * u[i];
  });
}

void normal_(const Tensor& t, double mean, double std, Generator& gen) {
  fill_from_uniforms(t, gen, [&](const std::vector<float>& u, std::vector<double>& v) {
    // Pair (u[2k], u[2k+1]) gives two normals; 1 - u keeps the log argument in (0, 1].
    for (size_t i = 0; i < v.size(); i += 2) {
      double r = std::sqrt(-2.0 * std::log(1.0 - u[i]));
      double theta = 2.0 * std::numbers::pi * u[i + 1];
      v[i] = mean + std * r * std::cos(theta);
      if (i + 1 < v.size()) v[i + 1] = mean + std * r * std::sin(theta);
    }
  });
}

int64_t fan_in(const Tensor& weight) {
  CADENZA_CHECK(weight.dim() >= 2, "init: fan_in needs a weight of 2 or more axes, got {}",
                shape_str(weight.shape()));
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
