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
