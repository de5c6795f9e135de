// Conv1d/2d/3d and ConvTranspose1d/2d/3d against PyTorch (tests/fixtures/conv.safetensors).
#include <catch2/catch.hpp>
#include <cmath>

#include "nn/conv.h"
#include "ops/ops.h"
#include "tests/fixtures/parity.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
template <class Layer>
void check_conv(const std::string& name, Layer& layer) {
  parity::Fixture f("conv");
  parity::check_layer(f, name, layer, {"x"}, [&](auto& in) { return layer.forward(in[0]); });
}
}  // namespace

TEST_CASE("Conv1d/2d/3d match PyTorch (stride, padding, dilation, groups, no bias)", "[nn][conv][parity]") {
  nn::Conv1d c1(3, 4, {3}, {.stride = {2}, .padding = {1}});
  check_conv("conv1d", c1);
  nn::Conv2d c2(2, 4, {3, 2}, {.stride = {2, 1}, .padding = {1}, .dilation = {1, 2}, .groups = 2});
  check_conv("conv2d", c2);
  nn::Conv3d c3(2, 3, {2}, {}, /*bias=*/false);
  CHECK(c3.named_parameters().size() == 1);
  check_conv("conv3d", c3);
}

TEST_CASE("ConvTranspose1d/2d/3d match PyTorch", "[nn][conv][parity]") {
  nn::ConvTranspose1d t1(3, 2, {3}, {.stride = {2}, .output_padding = {1}});
  check_conv("conv_transpose1d", t1);
  nn::ConvTranspose2d t2(4, 2, {3}, {.stride = {2}, .padding = {1}, .groups = 2});
  CHECK(t2.weight.shape() == Shape{4, 1, 3, 3});
  check_conv("conv_transpose2d", t2);
  nn::ConvTranspose3d t3(2, 3, {2}, {.stride = {2}});
  check_conv("conv_transpose3d", t3);
}

TEST_CASE("conv layers check their configuration and initialise like PyTorch", "[nn][conv]") {
  CHECK_THROWS_WITH(nn::Conv2d(3, 4, {3, 3, 3}), Contains("Conv2d: kernel_size [3, 3, 3] should have 1 or 2 values"));
  CHECK_THROWS_WITH(nn::ConvTranspose1d(3, 4, {3}, {.groups = 2}), Contains("not divisible by groups 2"));
  Generator gen(4);
  nn::Conv2d c(16, 64, {5}, {}, true, gen);  // fan_in 16·25 = 400
  auto w = c.weight.to_vector<float>();
  double bound = 1 / std::sqrt(400.0), var = 0, hi = 0;
  for (float v : w) var += double(v) * v, hi = std::max<double>(hi, std::abs(v));
  CHECK(var / double(w.size()) == Approx(bound * bound / 3).epsilon(0.03));
  CHECK(hi <= bound);
}
