// softmax, the fused LSTM cell (forward and backward), argmax/argmin, unfold/fold on the
// device against the CPU. Tolerances (|got - want| <= atol + rtol |want|):
//   softmax / log_softmax: atol 1e-6, rtol 2e-6 (f32 sums in a tree vs the CPU's f64 sum;
//     GLSL exp/log are within a few ulp);
//   lstm_pointwise (+ backward): atol 1e-6, rtol 2e-6 (our tanh/sigmoid, a few ulp);
//   arg_reduce, unfold, fold: exact (they move values, and fold sums each element's terms in
//     the CPU's order).
#include "engine/autograd.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

TEST_CASE("vulkan: softmax and log_softmax along every axis, short and long rows", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  for (Shape s : {Shape{3, 5}, Shape{2, 300, 3}, Shape{4, 1000}, Shape{70, 7}}) {
    Tensor x = uniform_input(s, DType::f32, -8, 8);
    for (int64_t axis = 0; axis < static_cast<int64_t>(s.size()); ++axis) {
      INFO(shape_str(s) << " axis " << axis);
      Tensor want = softmax(x, axis), got = softmax(vk(x), axis);
      CHECK(scaled_error(got, want, 1e-6, 2e-6) <= 1);
      log_error("softmax", got, want);
      want = log_softmax(x, axis), got = log_softmax(vk(x), axis);
      CHECK(scaled_error(got, want, 1e-6, 2e-6) <= 1);
      log_error("softmax", got, want);
    }
  }
  // A fully masked row: zeros / -inf, not NaN (short and long rows take different paths).
  for (int64_t n : {4, 500}) {
    Tensor x = concat({Tensor::full({1, n}, -INFINITY), uniform_input({1, n}, DType::f32)}, 0);
    CHECK(scaled_error(softmax(vk(x), 1), softmax(x, 1), 1e-6, 2e-6) <= 1);
    CHECK(softmax(vk(x), 1).to_vector<float>()[0] == 0.0f);
    CHECK(log_softmax(vk(x), 1).to_vector<float>()[0] == -INFINITY);
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: fused lstm cell forward and backward", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  const int64_t B = 5, H = 70;
  Tensor gates = uniform_input({B, 4 * H}, DType::f32, -4, 4), c = uniform_input({B, H}, DType::f32, -2, 2);
  Tensor gh = uniform_input({B, H}, DType::f32), gc = uniform_input({B, H}, DType::f32);
  LstmState want = lstm_pointwise(gates, c), got = lstm_pointwise(vk(gates), vk(c));
  CHECK(scaled_error(got.h, want.h, 1e-6, 2e-6) <= 1);
  CHECK(scaled_error(got.c, want.c, 1e-6, 2e-6) <= 1);
  log_error("lstm_pointwise", got.h, want.h);
  log_error("lstm_pointwise", got.c, want.c);
  // The fused backward (plain grad, no graph of the gradient) against the CPU's.
  Tensor dg_cpu = make_tensor(gates.shape(), DType::f32, Device::cpu());
  Tensor dc_cpu = make_tensor(c.shape(), DType::f32, Device::cpu());
  lstm_pointwise_backward_kernel(Device::cpu(), gates, c, gh, gc, dg_cpu, dc_cpu);
  Tensor dg = make_tensor(gates.shape(), DType::f32, Device::vulkan());
  Tensor dc = make_tensor(c.shape(), DType::f32, Device::vulkan());
  lstm_pointwise_backward_kernel(Device::vulkan(), vk(gates), vk(c), vk(gh), vk(gc), dg, dc);
  CHECK(scaled_error(dg, dg_cpu, 1e-6, 2e-6) <= 1);
  CHECK(scaled_error(dc, dc_cpu, 1e-6, 2e-6) <= 1);
  log_error("lstm_pointwise_backward", dg, dg_cpu);
  log_error("lstm_pointwise_backward", dc, dc_cpu);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: argmax and argmin, first extremum wins", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor x = uniform_input({6, 7, 30}, DType::f32, -3, 3);
  // Ties: rounding to a coarse grid makes many equal values.
  Tensor ties = to_dtype(to_dtype(mul(x, 2.0), DType::i32), DType::f32);
  for (const Tensor& t : {x, ties, to_dtype(mul(x, 10.0), DType::i32), to_dtype(mul(x, 10.0), DType::i64)})
    for (int64_t axis = 0; axis < 3; ++axis) {
      INFO("axis " << axis << " " << dtype_name(t.dtype()));
      CHECK(argmax(vk(t), axis).to_vector<int64_t>() == argmax(t, axis).to_vector<int64_t>());
      CHECK(argmin(vk(t), axis, true).to_vector<int64_t>() == argmin(t, axis, true).to_vector<int64_t>());
      Tensor tt = transpose(t, 0, 2);
      CHECK(argmax(transpose(vk(t), 0, 2), axis).to_vector<int64_t>() == argmax(tt, axis).to_vector<int64_t>());
    }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: unfold and fold in 1-3 dimensions with stride, padding, dilation", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  struct Case {
    Shape x, kernel, stride, padding, dilation;
  };
  std::vector<Case> cases = {{{2, 3, 11}, {3}, {2}, {1}, {1}},
                             {{2, 3, 7, 8}, {3, 2}, {1, 2}, {1, 0}, {2, 1}},
                             {{1, 2, 5, 6, 4}, {2, 3, 2}, {1, 2, 1}, {1, 1, 0}, {1, 1, 2}},
                             {{3, 4, 6, 6}, {2, 2}, {1, 1}, {0, 0}, {1, 1}}};  // overlapping windows
  for (const Case& c : cases) {
    INFO("x " << shape_str(c.x) << " kernel " << shape_str(c.kernel));
    Tensor x = uniform_input(c.x, DType::f32);
    Tensor want = unfold(x, c.kernel, c.stride, c.padding, c.dilation);
    Tensor got = unfold(vk(x), c.kernel, c.stride, c.padding, c.dilation);
    CHECK(got.to_vector<float>() == want.to_vector<float>());
    // A strided input.
    Tensor xt = contiguous(transpose(x, 0, 1));
    CHECK(unfold(transpose(vk(xt), 0, 1), c.kernel, c.stride, c.padding, c.dilation).to_vector<float>() ==
          want.to_vector<float>());
    Shape out(c.x.begin() + 2, c.x.end());
    Tensor cols = uniform_input(want.shape(), DType::f32);
    Tensor fw = fold(cols, out, c.kernel, c.stride, c.padding, c.dilation);
    Tensor fg = fold(vk(cols), out, c.kernel, c.stride, c.padding, c.dilation);
    CHECK(fg.to_vector<float>() == fw.to_vector<float>());
    log_error("fold", fg, fw);
    // Strided columns.
    Tensor base = uniform_input({want.size(0), want.size(2), want.size(1)}, DType::f32);
    CHECK(fold(transpose(vk(base), 1, 2), out, c.kernel, c.stride, c.padding, c.dilation).to_vector<float>() ==
          fold(transpose(base, 1, 2), out, c.kernel, c.stride, c.padding, c.dilation).to_vector<float>());
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
