// lstm_cell against a scalar reference written out below, and the fused backward kernel
// against the backward written with ops (the create_graph path).
#include <catch2/catch.hpp>
#include <cmath>

#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
double sig(double x) { return 1 / (1 + std::exp(-x)); }

// PyTorch's LSTMCell, one unit at a time: gate blocks i, f, g, o of W x + b + U h + b'.
LstmState reference_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih, const Tensor& w_hh,
                         const Tensor& b_ih, const Tensor& b_hh) {
  const int64_t B = x.size(0), I = x.size(1), H = h.size(1);
  auto X = x.to_vector<double>(), Hv = h.to_vector<double>(), C = c.to_vector<double>();
  auto W = w_ih.to_vector<double>(), U = w_hh.to_vector<double>();
  auto bi = b_ih.to_vector<double>(), bh = b_hh.to_vector<double>();
  std::vector<double> h_out(B * H), c_out(B * H);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t j = 0; j < H; ++j) {
      double pre[4];
      for (int64_t q = 0; q < 4; ++q) {
        int64_t r = q * H + j;
        double s = bi[r] + bh[r];
        for (int64_t k = 0; k < I; ++k) s += W[r * I + k] * X[b * I + k];
        for (int64_t k = 0; k < H; ++k) s += U[r * H + k] * Hv[b * H + k];
        pre[q] = s;
      }
      double cn = sig(pre[1]) * C[b * H + j] + sig(pre[0]) * std::tanh(pre[2]);
      c_out[b * H + j] = cn;
      h_out[b * H + j] = sig(pre[3]) * std::tanh(cn);
    }
  return {Tensor::from_vector<double>(h_out, {B, H}), Tensor::from_vector<double>(c_out, {B, H})};
}

void check_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
  auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  REQUIRE(va.size() == vb.size());
  for (size_t i = 0; i < va.size(); ++i) CHECK(va[i] == Approx(vb[i]).margin(tol));
}
}  // namespace

TEST_CASE("lstm_cell matches the scalar reference", "[lstm]") {
  using testing::uniform_input;
  const DType dt = DType::f64;
  Tensor x = uniform_input({3, 4}, dt), h = uniform_input({3, 5}, dt), c = uniform_input({3, 5}, dt);
  Tensor w_ih = uniform_input({20, 4}, dt), w_hh = uniform_input({20, 5}, dt);
  Tensor b_ih = uniform_input({20}, dt), b_hh = uniform_input({20}, dt);
  LstmState got = lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh);
  LstmState want = reference_cell(x, h, c, w_ih, w_hh, b_ih, b_hh);
  check_close(got.h, want.h);
  check_close(got.c, want.c);
  // No biases = zero biases.
  Tensor z = Tensor::zeros({20}, dt);
  check_close(lstm_cell(x, h, c, w_ih, w_hh).h, reference_cell(x, h, c, w_ih, w_hh, z, z).h);
}

TEST_CASE("lstm_pointwise by hand", "[lstm]") {
  // H = 1, all gate pre-activations 0: i = f = o = 1/2, g = 0, so c' = c / 2 and
  // h' = tanh(c / 2) / 2. With c = 2: c' = 1, h' = tanh(1) / 2 = 0.3807970780.
  LstmState s = lstm_pointwise(Tensor::zeros({1, 4}, DType::f64), Tensor::full({1, 1}, 2, DType::f64));
  CHECK(s.c.item<double>() == Approx(1.0));
  CHECK(s.h.item<double>() == Approx(0.3807970779778823));
}

TEST_CASE("fused and ops-composed lstm_pointwise backward agree", "[lstm]") {
  using testing::uniform_input;
  for (DType dt : {DType::f64, DType::f32}) {
    Tensor gates = uniform_input({3, 16}, dt, -3, 3).set_requires_grad(true);
    Tensor c = uniform_input({3, 4}, dt, -2, 2).set_requires_grad(true);
    Tensor wh = uniform_input({3, 4}, dt), wc = uniform_input({3, 4}, dt);
    auto loss = [&] {
      LstmState s = lstm_pointwise(gates, c);
      return add(sum(mul(s.h, wh)), sum(mul(s.c, wc)));
    };
    std::vector<Tensor> fused = grad({loss()}, {gates, c});
    GradOptions with_graph;
    with_graph.create_graph = true;
    std::vector<Tensor> composed = grad({loss()}, {gates, c}, {}, with_graph);
    CHECK(!fused[0].requires_grad());
    CHECK(composed[0].requires_grad());
    const double tol = dt == DType::f64 ? 1e-12 : 1e-6;
    for (int k = 0; k < 2; ++k) {
      auto a = to_dtype(fused[k], DType::f64).to_vector<double>();
      auto b = to_dtype(composed[k].detach(), DType::f64).to_vector<double>();
      for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).margin(tol));
    }
  }
}

TEST_CASE("lstm_cell shape errors", "[lstm][errors]") {
  Tensor x = Tensor::zeros({2, 3}), h = Tensor::zeros({2, 4});
  CHECK_THROWS_WITH(lstm_cell(x, h, h, Tensor::zeros({16, 3}), Tensor::zeros({12, 4})),
                    Contains("lstm_cell") && Contains("[12, 4]") && Contains("[16, 4]"));
  CHECK_THROWS_WITH(lstm_cell(x, h, Tensor::zeros({2, 5}), Tensor::zeros({16, 3}), Tensor::zeros({16, 4})),
                    Contains("lstm_cell") && Contains("[2, 5]"));
  CHECK_THROWS_WITH(lstm_pointwise(Tensor::zeros({2, 8}), h), Contains("lstm_pointwise") && Contains("[2, 8]"));
}
