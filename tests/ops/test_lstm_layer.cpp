// The fused lstm_layer (one op, hand-written backward) against the same layer composed of
// per-step ops, in f32 at sizes where the GEMMs split across threads; f64 first and second
// derivatives are checked for every op by test_gradcheck_registry.
#include <catch2/catch.hpp>

#include "ops/lstm_layer.h"
#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {

void check_close(const Tensor& a, const Tensor& b, const char* what) {
  INFO(what);
  REQUIRE(a.shape() == b.shape());
  auto x = a.to_vector<float>(), y = b.to_vector<float>();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, double(std::abs(x[i] - y[i])));
  CHECK(worst < 2e-5);
}

using LayerFn = LstmLayerResult (*)(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                    const Tensor&, const Tensor&, bool);

// Outputs and the gradients of every input under a fixed random weighting of the outputs.
std::vector<Tensor> outputs_and_grads(LayerFn fn, const std::vector<Tensor>& in, bool bias, bool reverse,
                                      bool strided_x) {
  std::vector<Tensor> leaves;
  for (const Tensor& t : in) {
    leaves.push_back(clone(t));
    leaves.back().set_requires_grad(true);
  }
  // A strided x: the [B, T, I] layout of batch_first seen as [T, B, I].
  Tensor x = strided_x ? transpose(contiguous(transpose(leaves[0], 0, 1)), 0, 1) : leaves[0];
  LstmLayerResult r = fn(x, leaves[1], leaves[2], leaves[3], leaves[4], bias ? leaves[5] : Tensor(),
                         bias ? leaves[6] : Tensor(), reverse);
  Generator gen(7);
  Tensor loss = add(add(sum(mul(r.output, randn(r.output.shape(), DType::f32, &gen))),
                        sum(mul(r.last.h, randn(r.last.h.shape(), DType::f32, &gen)))),
                    sum(mul(r.last.c, randn(r.last.c.shape(), DType::f32, &gen))));
  backward(loss);
  std::vector<Tensor> out{r.output, r.last.h, r.last.c};
  for (size_t i = 0; i < (bias ? 7u : 5u); ++i) out.push_back(leaves[i].grad());
  return out;
}

}  // namespace

TEST_CASE("the fused lstm_layer equals the per-step ops, values and gradients", "[lstm]") {
  // A sequence of a batch, and one step at batch 1 (sampling's path: both products in one pass).
  for (auto [T, B] : {std::pair<int64_t, int64_t>{9, 5}, {1, 1}}) {
    const int64_t I = 24, H = 40;
    using testing::uniform_input;
    std::vector<Tensor> in{uniform_input({T, B, I}, DType::f32),
                           uniform_input({B, H}, DType::f32),
                           uniform_input({B, H}, DType::f32),
                           uniform_input({4 * H, I}, DType::f32, -0.3, 0.3),
                           uniform_input({4 * H, H}, DType::f32, -0.3, 0.3),
                           uniform_input({4 * H}, DType::f32),
                           uniform_input({4 * H}, DType::f32)};
    for (bool bias : {true, false})
      for (bool reverse : {false, true})
        for (bool strided : {false, true}) {
          INFO("T " << T << ", B " << B << ", bias " << bias << ", reverse " << reverse << ", strided x " << strided);
          auto fused = outputs_and_grads(&lstm_layer, in, bias, reverse, strided);
          auto ops = outputs_and_grads(&lstm_layer_composed, in, bias, reverse, strided);
          const char* names[] = {"output", "h_n", "c_n", "dx", "dh0", "dc0", "dw_ih", "dw_hh", "db_ih", "db_hh"};
          for (size_t i = 0; i < fused.size(); ++i) check_close(fused[i], ops[i], names[i]);
        }
  }
}

TEST_CASE("lstm_layer names the shapes it expects", "[lstm]") {
  Tensor x = Tensor::zeros({3, 2, 4}), h = Tensor::zeros({2, 5});
  CHECK_THROWS_WITH(lstm_layer(x, h, h, Tensor::zeros({20, 3}), Tensor::zeros({20, 5})), Contains("w_ih [20, 3]"));
  CHECK_THROWS_WITH(lstm_layer(x, Tensor::zeros({3, 5}), h, Tensor::zeros({20, 4}), Tensor::zeros({20, 5})),
                    Contains("[T, B, I]"));
  CHECK_THROWS_WITH(lstm_layer(x, h, h, Tensor::zeros({20, 4}), Tensor::zeros({20, 5}), Tensor::zeros({19})),
                    Contains("bias [19]"));
}

TEST_CASE("the f32 cell kernels (16-unit vectors and the scalar tail) match f64", "[lstm]") {
  // H = 40: two 16-unit vectors and 8 scalar units per row; gates span the saturated ends.
  using testing::uniform_input;
  Tensor gates64 = uniform_input({3, 160}, DType::f64, -12, 12), c64 = uniform_input({3, 40}, DType::f64, -3, 3);
  Tensor wh = uniform_input({3, 40}, DType::f64), wc = uniform_input({3, 40}, DType::f64);
  auto run = [&](DType dt) {
    Tensor gates = to_dtype(gates64, dt).set_requires_grad(true), c = to_dtype(c64, dt).set_requires_grad(true);
    LstmState s = lstm_pointwise(gates, c);
    std::vector<Tensor> g = grad({add(sum(mul(s.h, to_dtype(wh, dt))), sum(mul(s.c, to_dtype(wc, dt))))}, {gates, c});
    return std::vector<Tensor>{s.h, s.c, g[0], g[1]};
  };
  auto f32 = run(DType::f32), f64 = run(DType::f64);
  for (size_t k = 0; k < f32.size(); ++k) {
    auto a = to_dtype(f32[k].detach(), DType::f64).to_vector<double>(), b = f64[k].detach().to_vector<double>();
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).margin(2e-6));
  }
}
