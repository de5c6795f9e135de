// The tape's semantics: accumulation on leaves, create_graph, no_grad, detach, and the
// version counter that catches in-place writes to saved tensors.
#include <catch2/catch.hpp>

#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
Tensor leaf(std::vector<double> v, Shape s) {
  Tensor t = Tensor::from_vector<double>(v, s);
  t.set_requires_grad(true);
  return t;
}
}  // namespace

TEST_CASE("gradients accumulate on leaves across backward calls", "[autograd]") {
  Tensor x = leaf({1, 2, 3}, {3});
  backward(sum(mul(x, x)));
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 4, 6});
  backward(sum(mul(x, 3.0)));
  CHECK(x.grad().to_vector<double>() == std::vector<double>{5, 7, 9});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("a tensor used twice gets both contributions", "[autograd]") {
  Tensor x = leaf({2}, {1});
  Tensor y = add(mul(x, x), exp(x));  // dy/dx = 2x + e^x
  backward(sum(y));
  CHECK(x.grad().item<double>() == Approx(4 + std::exp(2.0)));
}

TEST_CASE("create_graph gives gradients of gradients", "[autograd]") {
  Tensor x = leaf({1.5}, {1});
  Tensor y = sum(pow(x, 3.0));  // y = x^3
  auto g = grad({y}, {x}, {}, {.create_graph = true});
  CHECK(g[0].item<double>() == Approx(3 * 1.5 * 1.5));
  CHECK(g[0].requires_grad());
  auto gg = grad({sum(g[0])}, {x});
  CHECK(gg[0].item<double>() == Approx(6 * 1.5));
  // A gradient penalty style objective: || d/dx sum(tanh(w x)) ||^2, differentiated in w.
  Tensor w = leaf({0.7, -0.3}, {2});
  Tensor xin = leaf({0.2, 0.9}, {2});
  Tensor out = sum(tanh(mul(w, xin)));
  Tensor gx = grad({out}, {xin}, {}, {.create_graph = true})[0];
  Tensor penalty = sum(square(gx));
  backward(penalty);
  REQUIRE(w.grad().defined());
  // d/dw (w (1 - tanh^2(wx)))^2 at w=0.7, x=0.2
  double wx = 0.7 * 0.2, t = std::tanh(wx), s = 1 - t * t;
  double d = 2 * (0.7 * s) * (s + 0.7 * (-2 * t * s) * 0.2);
  CHECK(w.grad().to_vector<double>()[0] == Approx(d));
}

TEST_CASE("grad() leaves .grad untouched and reports unused inputs", "[autograd]") {
  Tensor x = leaf({1, 2}, {2}), z = leaf({5}, {1});
  Tensor y = sum(mul(x, x));
  CHECK_THROWS_WITH(grad({y}, {x, z}, {}, {.retain_graph = true}), Contains("not used"));
  auto g = grad({y}, {x, z}, {}, {.allow_unused = true});
  CHECK(g[0].to_vector<double>() == std::vector<double>{2, 4});
  CHECK_FALSE(g[1].defined());
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("no_grad records nothing", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor y;
  {
    NoGradGuard ng;
    y = mul(x, x);
  }
  CHECK_FALSE(y.requires_grad());
  CHECK(y.grad_fn() == nullptr);
  Tensor z = mul(x, x);
  CHECK(z.grad_fn() != nullptr);
  CHECK(z.grad_fn()->name() == "mul");
}

TEST_CASE("detach cuts the graph but shares data", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor y = mul(x, 2.0);
  Tensor d = y.detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.storage() == y.storage());
  CHECK_THROWS_WITH(backward(sum(mul(d, d))), Contains("does not require grad"));
}

TEST_CASE("modifying a saved tensor in place before backward is an error", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor w = Tensor::from_vector<double>({3, 4}, {2});
  Tensor y = sum(mul(x, w));  // mul saves w
  fill_(w, 0.0);
  CHECK_THROWS_WITH(backward(y), Contains("modified by an in-place operation") && Contains("mul"));
  // Writing through a view counts too (views share the version counter).
  Tensor w2 = Tensor::from_vector<double>({3, 4}, {2});
  Tensor y2 = sum(mul(x, w2));
  copy_(narrow(w2, 0, 0, 1), Tensor::from_vector<double>({9}, {1}));
  CHECK_THROWS(backward(y2));
}

TEST_CASE("in-place writes to tensors that require grad need no_grad", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  CHECK_THROWS_WITH(fill_(x, 0), Contains("NoGradGuard"));
  {
    NoGradGuard ng;
    fill_(x, 0);
  }
  CHECK(x.to_vector<double>() == std::vector<double>{0, 0});
}

TEST_CASE("backward twice without retain_graph is a clear error", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor y = sum(exp(x));
  backward(y);
  CHECK_THROWS_WITH(backward(y), Contains("second time"));
  Tensor y2 = sum(exp(x));
  backward(y2, {}, true);
  CHECK_NOTHROW(backward(y2));
}

TEST_CASE("backward needs a scalar or an explicit gradient", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  CHECK_THROWS_WITH(backward(mul(x, 2.0)), Contains("one-element"));
  backward(mul(x, 2.0), Tensor::from_vector<double>({1, 10}, {2}));
  CHECK(x.grad().to_vector<double>() == std::vector<double>{2, 20});
}

TEST_CASE("leaf flags are guarded", "[autograd]") {
  CHECK_THROWS_WITH(Tensor::arange(3).set_requires_grad(true), Contains("floating"));
  Tensor x = leaf({1}, {1});
  Tensor y = mul(x, 2.0);
  CHECK_THROWS_WITH(y.set_requires_grad(false), Contains("leaf"));
}

TEST_CASE("the gradient of a leaf with respect to itself is the incoming gradient", "[autograd]") {
  Tensor x = leaf({1, 2}, {2});
  auto g = grad({x}, {x}, {Tensor::from_vector<double>({3, 4}, {2})});
  REQUIRE(g[0].defined());
  CHECK(g[0].to_vector<double>() == std::vector<double>{3, 4});
}

// narrow/select backward with grad mode off hands the engine only the slab (Node::input_slab);
// these cases must give exactly what the padded path (create_graph) gives.
namespace {
// Loss mixing per-step slices, overlapping narrows, a repeated index and a full-size use of x.
Tensor slab_loss(const Tensor& x) {
  Tensor l = sum(mul(x, x));
  for (int64_t t = 0; t < x.size(0); ++t) l = add(l, sum(mul(exp(select(x, 0, t)), double(t + 1))));
  l = add(l, sum(mul(narrow(x, 0, 1, 2), narrow(x, 0, 0, 2))));
  l = add(l, sum(select(x, 1, 2)));  // another axis
  return add(l, sum(mul(select(x, 0, 0), 3.0)));
}
Tensor slab_input() {
  Tensor x = Tensor::from_vector<double>({0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1.0, 1.1, -1.2}, {4, 3});
  x.set_requires_grad(true);
  return x;
}
}  // namespace

TEST_CASE("slab gradients of narrow and select equal the padded ones", "[autograd]") {
  Tensor a = slab_input(), b = slab_input();
  backward(slab_loss(a));  // grad mode off in backward: the slab path
  Tensor padded = grad({slab_loss(b)}, {b}, {}, {.create_graph = true})[0];
  REQUIRE(a.grad().shape() == Shape({4, 3}));
  CHECK(a.grad().to_vector<double>() == padded.detach().to_vector<double>());
  // By hand: 2x + (t+1) e^x + the narrows' cross terms + 1 on column 2 + 3 on row 0.
  std::vector<double> xv = a.detach().to_vector<double>(), g = a.grad().to_vector<double>();
  for (int64_t t = 0; t < 4; ++t)
    for (int64_t j = 0; j < 3; ++j) {
      double x = xv[size_t(t * 3 + j)], want = 2 * x + double(t + 1) * std::exp(x);
      if (t <= 1) want += xv[size_t((t + 1) * 3 + j)];
      if (t >= 1 && t <= 2) want += xv[size_t((t - 1) * 3 + j)];
      if (j == 2) want += 1;
      if (t == 0) want += 3;
      CHECK(g[size_t(t * 3 + j)] == Approx(want).epsilon(1e-12));
    }
}

TEST_CASE("slab gradients reach grad() captures and accumulate onto an existing .grad", "[autograd]") {
  Tensor x = slab_input();
  Tensor h = mul(x, 2.0);  // a non-leaf captured by grad()
  Tensor l = add(sum(select(h, 0, 1)), sum(mul(select(h, 0, 3), 2.0)));
  std::vector<double> gh = grad({l}, {h}, {}, {.retain_graph = true})[0].to_vector<double>();
  CHECK(gh == std::vector<double>{0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2});
  backward(l);
  backward(sum(select(x, 0, 2)));  // adds onto the existing .grad
  CHECK(x.grad().to_vector<double>() == std::vector<double>{0, 0, 0, 2, 2, 2, 1, 1, 1, 4, 4, 4});
}

TEST_CASE("second-order gradients through select still work", "[autograd]") {
  Tensor x = slab_input();
  Tensor l = sum(pow(select(x, 0, 1), 3.0));                 // Σ x_1j³
  Tensor g = grad({l}, {x}, {}, {.create_graph = true})[0];  // 3 x_1j² on row 1
  Tensor gg = grad({sum(g)}, {x})[0];                        // 6 x_1j on row 1
  std::vector<double> xv = x.detach().to_vector<double>(), v = gg.to_vector<double>();
  for (size_t i = 0; i < 12; ++i) CHECK(v[i] == Approx(i / 3 == 1 ? 6 * xv[i] : 0.0));
}
