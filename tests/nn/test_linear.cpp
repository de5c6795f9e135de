// Linear and the activation modules against PyTorch (tests/fixtures/linear.safetensors).
#include <catch2/catch.hpp>

#include "nn/activation.h"
#include "nn/linear.h"
#include "ops/ops.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

TEST_CASE("Linear matches torch.nn.Linear", "[nn][linear][parity]") {
  parity::Fixture f("linear");
  nn::Linear with_bias(5, 3);
  parity::check_layer(f, "linear", with_bias, {"x"}, [&](auto& in) { return with_bias.forward(in[0]); });
  nn::Linear no_bias(5, 3, false);
  CHECK(no_bias.named_parameters().size() == 1);
  parity::check_layer(f, "linear_nobias", no_bias, {"x"}, [&](auto& in) { return no_bias.forward(in[0]); });
}

TEST_CASE("Linear names the shapes when the input does not fit", "[nn][linear]") {
  nn::Linear layer(5, 3);
  CHECK_THROWS_WITH(layer.forward(Tensor::ones({2, 4})), Contains("Linear") && Contains("[2, 4]") && Contains("5"));
}

TEMPLATE_TEST_CASE_SIG("activation modules match PyTorch", "[nn][activation][parity]", ((class M, int N), M, N),
                       (nn::ReLU, 0), (nn::GELU, 1), (nn::Tanh, 2), (nn::Sigmoid, 3), (nn::Softplus, 4)) {
  const char* names[] = {"relu", "gelu", "tanh", "sigmoid", "softplus"};
  parity::Fixture f("linear");
  M m;
  parity::check_layer(f, names[N], m, {"x"}, [&](auto& in) { return m.forward(in[0]); });
}

TEST_CASE("LeakyReLU matches PyTorch", "[nn][activation][parity]") {
  parity::Fixture f("linear");
  nn::LeakyReLU m(0.2);
  parity::check_layer(f, "leaky_relu", m, {"x"}, [&](auto& in) { return m.forward(in[0]); });
}
