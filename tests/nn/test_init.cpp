// Default initialisation equal in distribution to PyTorch's, checked by moments on large
// layers, and reproducible from the generator's seed.
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/init.h"
#include "nn/linear.h"
#include "ops/ops.h"

using namespace cadenza;

namespace {
struct Moments {
  double mean = 0, var = 0, min = 1e30, max = -1e30, kurtosis = 0;
};
Moments moments(const Tensor& t) {
  auto v = t.to_vector<float>();
  Moments m;
  for (float x : v) m.mean += x, m.min = std::min<double>(m.min, x), m.max = std::max<double>(m.max, x);
  m.mean /= double(v.size());
  double m4 = 0;
  for (float x : v) m.var += (x - m.mean) * (x - m.mean), m4 += std::pow(x - m.mean, 4);
  m.var /= double(v.size());
  m.kurtosis = m4 / double(v.size()) / (m.var * m.var);
  return m;
}
// U(−b, b): mean 0, variance b²/3, kurtosis 9/5, support within ±b.
void check_uniform(const Tensor& t, double b) {
  Moments m = moments(t);
  double n = double(t.numel());
  CHECK(std::abs(m.mean) < 5 * b / std::sqrt(3 * n));
  CHECK(m.var == Approx(b * b / 3).epsilon(0.02));
  CHECK(m.kurtosis == Approx(1.8).epsilon(0.02));
  CHECK(m.min >= -b);
  CHECK(m.max <= b);
  CHECK(m.max > 0.99 * b);
}
}  // namespace

TEST_CASE("Linear initialises like torch.nn.Linear", "[nn][init]") {
  Generator gen(7);
  nn::Linear layer(400, 300, true, gen);
  check_uniform(layer.weight, 1 / std::sqrt(400.0));
  nn::Linear wide(64, 20000, true, gen);  // enough bias entries for moments
  check_uniform(wide.bias, 1 / std::sqrt(64.0));
}

TEST_CASE("normal_ has the requested moments", "[nn][init]") {
  Generator gen(3);
  Tensor t = Tensor::empty({200000});
  nn::init::normal_(t, 1.5, 2.0, gen);
  Moments m = moments(t);
  CHECK(m.mean == Approx(1.5).margin(0.02));
  CHECK(m.var == Approx(4.0).epsilon(0.02));
  CHECK(m.kurtosis == Approx(3.0).epsilon(0.03));
}

TEST_CASE("fan_in follows PyTorch for conv and transposed-conv weights", "[nn][init]") {
  CHECK(nn::init::fan_in(Tensor::empty({8, 3, 5, 5})) == 75);
  CHECK(nn::init::fan_in(Tensor::empty({3, 8, 2, 2, 2})) == 64);  // ConvTranspose3d [in, out, k...]
}

TEST_CASE("initialisation is reproducible from the seed", "[nn][init]") {
  Generator g1(42), g2(42), g3(43);
  nn::Linear a(5, 4, true, g1), b(5, 4, true, g2), c(5, 4, true, g3);
  CHECK(a.weight.to_vector<float>() == b.weight.to_vector<float>());
  CHECK(a.bias.to_vector<float>() == b.bias.to_vector<float>());
  CHECK(a.weight.to_vector<float>() != c.weight.to_vector<float>());
}
