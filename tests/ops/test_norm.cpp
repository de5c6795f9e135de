// layer_norm and batch_norm against values worked out by hand.
#include <catch2/catch.hpp>
#include <cmath>

#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector<double>(v, s); }
}  // namespace

TEST_CASE("layer_norm values", "[norm]") {
  // [1, 2, 3]: mean 2, population variance 2/3 -> (x - 2) / sqrt(2/3) = [-1.2247449, 0, 1.2247449].
  const double z = 1 / std::sqrt(2.0 / 3.0);
  Tensor x = f64({1, 2, 3, 5, 5, 5}, {2, 3});
  auto y = layer_norm(x, {3}, {}, {}, 0).to_vector<double>();
  CHECK(y[0] == Approx(-z));
  CHECK(y[1] == Approx(0).margin(1e-15));
  CHECK(y[2] == Approx(z));
  // A constant row has variance 0: the default eps keeps it finite, (x - mean) = 0.
  CHECK(layer_norm(x, {3}).to_vector<double>()[4] == 0);
  // Affine: weight [1, 2, 3], bias [0, 0, 1] -> [-1.2247449, 0, 3 * 1.2247449 + 1].
  auto ya = layer_norm(x, {3}, f64({1, 2, 3}, {3}), f64({0, 0, 1}, {3}), 0).to_vector<double>();
  CHECK(ya[2] == Approx(3 * z + 1));
  // Over the last two axes: the whole [2, 3] block [1, 2, 3, 5, 5, 5] has mean 3.5 and
  // population variance (6.25 + 2.25 + 0.25 + 3 * 2.25) / 6 = 2.5833333.
  auto y2 = layer_norm(reshape(x, {1, 2, 3}), {2, 3}, {}, {}, 0).to_vector<double>();
  CHECK(y2[0] == Approx((1 - 3.5) / std::sqrt(15.5 / 6)));
}

TEST_CASE("batch_norm training normalises per channel and updates running stats", "[norm]") {
  // x [N=2, C=2, L=2]: channel 0 holds 1, 3, 5, 7 (mean 4, biased var 5, unbiased 20/3);
  // channel 1 holds 10, 10, 10, 14 (mean 11, biased var 3, unbiased 4).
  Tensor x = f64({1, 3, 10, 10, 5, 7, 10, 14}, {2, 2, 2});
  Tensor rm = f64({0, 0}, {2}), rv = f64({1, 1}, {2});
  auto y = batch_norm(x, rm, rv, {}, {}, true, 0.1, 0).to_vector<double>();
  CHECK(y[0] == Approx((1 - 4) / std::sqrt(5.0)));
  CHECK(y[7] == Approx((14 - 11) / std::sqrt(3.0)));
  // running = 0.9 * running + 0.1 * batch statistic (unbiased variance)
  auto m = rm.to_vector<double>(), v = rv.to_vector<double>();
  CHECK(m[0] == Approx(0.4));
  CHECK(m[1] == Approx(1.1));
  CHECK(v[0] == Approx(0.9 + 0.1 * 20.0 / 3.0));  // 1.5666667
  CHECK(v[1] == Approx(0.9 + 0.1 * 4.0));         // 1.3

  // Evaluation uses the running stats, with weight and bias:
  // channel 0, x = 1: (1 - 0.4) / sqrt(1.5666667) * 2 + 0.5.
  auto e = batch_norm(x, rm, rv, f64({2, 1}, {2}), f64({0.5, 0}, {2}), false, 0.1, 0).to_vector<double>();
  CHECK(e[0] == Approx((1 - 0.4) / std::sqrt(0.9 + 0.1 * 20.0 / 3.0) * 2 + 0.5));
  CHECK(rm.to_vector<double>()[0] == Approx(0.4));  // evaluation leaves them alone
}

TEST_CASE("batch_norm in training works while the input requires grad", "[norm]") {
  Tensor x = f64({1, 3, 10, 10, 5, 7, 10, 14}, {2, 2, 2}).set_requires_grad(true);
  Tensor rm = Tensor::zeros({2}, DType::f64), rv = Tensor::ones({2}, DType::f64);
  Tensor y = batch_norm(x, rm, rv, {}, {}, true);
  backward(sum(square(y)));
  // sum over a channel of y^2 is n * var / (var + eps), nearly constant: gradient ~ 0.
  for (double g : x.grad().to_vector<double>()) CHECK(std::abs(g) < 1e-3);
  CHECK(rm.to_vector<double>()[1] == Approx(1.1));
}

TEST_CASE("norm errors name the op and the shapes", "[norm][errors]") {
  Tensor x = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH(layer_norm(x, {2}), Contains("layer_norm") && Contains("[2, 3]") && Contains("[2]"));
  CHECK_THROWS_WITH(layer_norm(x, {3}, Tensor::ones({2})), Contains("layer_norm") && Contains("weight"));
  CHECK_THROWS_WITH(batch_norm(x, Tensor::zeros({2}), Tensor::ones({2}), {}, {}, true),
                    Contains("batch_norm") && Contains("running_mean") && Contains("[3]"));
  CHECK_THROWS_WITH(batch_norm(Tensor::zeros({1, 3}), {}, {}, {}, {}, true),
                    Contains("batch_norm") && Contains("more than 1"));
}
