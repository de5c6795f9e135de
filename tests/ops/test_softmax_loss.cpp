// softmax / log_softmax and the losses against values worked out by hand (each case
// states its arithmetic), plus the conventions that are easy to get wrong.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
Tensor f64(std::vector<double> v, Shape s) { return Tensor::from_vector<double>(v, s); }
Tensor i64(std::vector<int64_t> v, Shape s) { return Tensor::from_vector<int64_t>(v, s); }
// log_softmax([1, 2, 3]) = x - (3 + log(1 + e^-1 + e^-2)) = x - 3.4076059644
constexpr double kLse123 = 3.4076059644443806;
const double kLog3 = std::log(3.0);
}  // namespace

TEST_CASE("softmax and log_softmax values", "[softmax]") {
  Tensor x = f64({1, 2, 3, 1, 1, 1}, {2, 3});
  auto p = softmax(x, -1).to_vector<double>();
  CHECK(p[0] == Approx(std::exp(1 - kLse123)));  // 0.0900306
  CHECK(p[2] == Approx(std::exp(3 - kLse123)));  // 0.6652410
  CHECK(p[4] == Approx(1.0 / 3));
  auto lp = log_softmax(x, 1).to_vector<double>();
  CHECK(lp[1] == Approx(2 - kLse123));
  CHECK(lp[3] == Approx(-kLog3));
  // Along axis 0 of the same matrix: column [1, 1] -> [0.5, 0.5].
  CHECK(softmax(x, 0).to_vector<double>()[0] == Approx(0.5));
  // Large inputs do not overflow.
  auto big = softmax(f64({1000, 1000}, {2})).to_vector<double>();
  CHECK(big[0] == Approx(0.5));
  // A strided (transposed) input gives the same as its dense copy.
  Tensor xt = transpose(f64({1, 1, 2, 1, 3, 1}, {3, 2}), 0, 1);
  CHECK(softmax(xt, -1).to_vector<double>() == softmax(x, -1).to_vector<double>());
}

TEST_CASE("a fully -inf row gives zero probabilities, not NaN", "[softmax]") {
  const double inf = std::numeric_limits<double>::infinity();
  auto p = softmax(f64({-inf, -inf, 0, -inf}, {2, 2})).to_vector<double>();
  CHECK(p == std::vector<double>{0, 0, 1, 0});
  auto lp = log_softmax(f64({-inf, -inf}, {2})).to_vector<double>();
  CHECK(lp[0] == -inf);
}

TEST_CASE("softmax backward matches y * (g - sum(g y))", "[softmax]") {
  Tensor x = f64({1, 2, 3}, {3}).set_requires_grad(true);
  Tensor y = softmax(x);
  // d y_2 / d x = y_2 (e_2 - y)
  backward(select(y, 0, 2));
  auto g = x.grad().to_vector<double>();
  auto yv = y.to_vector<double>();
  CHECK(g[0] == Approx(-yv[2] * yv[0]));
  CHECK(g[2] == Approx(yv[2] * (1 - yv[2])));
}

TEST_CASE("cross_entropy follows PyTorch", "[loss]") {
  // Rows [1,2,3] -> target 2 and [1,1,1] -> target 0: nll = 0.4076059644 and log 3 = 1.0986122887.
  Tensor logits = f64({1, 2, 3, 1, 1, 1}, {2, 3});
  Tensor target = i64({2, 0}, {2});
  const double n0 = kLse123 - 3, n1 = kLog3;
  CHECK(cross_entropy(logits, target).item<double>() == Approx((n0 + n1) / 2));  // 0.7531091266
  CHECK(cross_entropy(logits, target, {-100, 0, Reduction::sum}).item<double>() == Approx(n0 + n1));
  auto none = cross_entropy(logits, target, {-100, 0, Reduction::none}).to_vector<double>();
  CHECK(none[1] == Approx(n1));
  CHECK(nll_loss(log_softmax(logits), target).item<double>() == Approx((n0 + n1) / 2));

  // Ignored rows add nothing and the mean counts only the rest: 0.4076059644.
  CHECK(cross_entropy(logits, i64({2, -100}, {2})).item<double>() == Approx(n0));
  // An ignore_index inside the class range (a pad token 0) is ignored too.
  CHECK(cross_entropy(logits, i64({2, 0}, {2}), {0}).item<double>() == Approx(n0));

  // Label smoothing 0.1: row 0 = 0.9 * 0.40760596 + 0.1 * (2.40760596 + 1.40760596 + 0.40760596) / 3
  //                            = 0.50760596; row 1 = log 3 (uniform); mean 0.8031091266.
  CHECK(cross_entropy(logits, target, {-100, 0.1}).item<double>() == Approx(0.8031091265562451));
  // Smoothing with an ignored row: only row 0 counts.
  CHECK(cross_entropy(logits, i64({2, -100}, {2}), {-100, 0.1}).item<double>() == Approx(0.5076059644443804));

  // A class masked out with -inf logit does not poison the loss (no 0 * -inf):
  // row [1, 2, -inf] with target 1 -> -log(e^2 / (e + e^2)) = log(1 + e^-1) = 0.3132616875.
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(cross_entropy(f64({1, 2, -inf}, {1, 3}), i64({1}, {1})).item<double>() == Approx(0.31326168751822286));

  // [..., C] logits: [1, 2, 3] layout equals the flat [2, 3] case.
  CHECK(cross_entropy(reshape(logits, {1, 2, 3}), i64({2, 0}, {1, 2})).item<double>() == Approx((n0 + n1) / 2));
}

TEST_CASE("cross_entropy gradient is softmax - onehot over the count", "[loss]") {
  Tensor logits = f64({1, 2, 3, 1, 1, 1}, {2, 3}).set_requires_grad(true);
  backward(cross_entropy(logits, i64({2, -100}, {2})));
  auto g = logits.grad().to_vector<double>();
  CHECK(g[2] == Approx(std::exp(3 - kLse123) - 1));  // one valid row: divided by 1
  CHECK(g[3] == 0);                                  // ignored row
}

TEST_CASE("binary_cross_entropy_with_logits values", "[loss]") {
  // x=0,t=1: log 2 = 0.6931472; x=2,t=0: 2 + log1p(e^-2) = 2.1269280; x=-3,t=0.5: 1.5 + log1p(e^-3) = 1.5485874.
  Tensor x = f64({0, 2, -3}, {3}), t = f64({1, 0, 0.5}, {3});
  auto none = binary_cross_entropy_with_logits(x, t, {}, Reduction::none).to_vector<double>();
  CHECK(none[0] == Approx(std::log(2.0)));
  CHECK(none[1] == Approx(2.1269280110429727));
  CHECK(none[2] == Approx(1.548587351573742));
  CHECK(binary_cross_entropy_with_logits(x, t).item<double>() ==
        Approx((0.6931471805599453 + 2.1269280110429727 + 1.548587351573742) / 3));
  // pos_weight 3 triples the positive part: x=0,t=1 -> 3 log 2; t=0 rows unchanged.
  auto pw = binary_cross_entropy_with_logits(x, t, f64({3}, {1}), Reduction::none).to_vector<double>();
  CHECK(pw[0] == Approx(3 * std::log(2.0)));
  CHECK(pw[1] == Approx(2.1269280110429727));
  // Extreme logits stay finite: x = -1000, t = 1 -> 1000.
  CHECK(binary_cross_entropy_with_logits(f64({-1000}, {1}), f64({1}, {1})).item<double>() == Approx(1000));
}

TEST_CASE("mse_loss values", "[loss]") {
  // (1-0)^2 + (2-4)^2 = 5, mean 2.5
  Tensor a = f64({1, 2}, {2}), b = f64({0, 4}, {2});
  CHECK(mse_loss(a, b).item<double>() == Approx(2.5));
  CHECK(mse_loss(a, b, Reduction::sum).item<double>() == Approx(5));
}

TEST_CASE("loss errors name the op and the shapes", "[loss][errors]") {
  Tensor logits = Tensor::zeros({2, 3});
  CHECK_THROWS_WITH(cross_entropy(logits, i64({0, 1, 2}, {3})),
                    Contains("cross_entropy") && Contains("[2, 3]") && Contains("[3]"));
  CHECK_THROWS_WITH(cross_entropy(logits, i64({0, 3}, {2})), Contains("cross_entropy") && Contains("out of range"));
  CHECK_THROWS_WITH(cross_entropy(logits, Tensor::zeros({2})), Contains("cross_entropy") && Contains("index"));
  CHECK_THROWS_WITH(mse_loss(logits, Tensor::zeros({3})), Contains("mse_loss") && Contains("[2, 3]"));
  CHECK_THROWS_WITH(binary_cross_entropy_with_logits(logits, Tensor::zeros({3, 2})),
                    Contains("binary_cross_entropy_with_logits") && Contains("[3, 2]"));
}
