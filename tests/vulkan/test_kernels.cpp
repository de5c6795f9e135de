// Each Vulkan kernel against the CPU kernel on random inputs, dense, broadcast and strided.
// Tolerances (|got - want| <= atol + rtol |want|), per kernel:
//   copy, where, comparisons, integer ops, max/min: exact (they move or compare values);
//   add/sub/mul: 1 ulp-level (rtol 1e-6); div, pow: rtol 1e-5 (GLSL allows 2.5 ulp for
//   division and derives pow from exp2/log2); unary: rtol 2e-6 + atol 1e-6 (our erf has
//   |error| < 1.5e-7; libm-level functions differ by a few ulp);
//   sum: atol 1e-5 * sum|x| (f32 tree vs the CPU's f64 accumulator);
//   matmul: atol 1e-6 * K, rtol 1e-6 (f32 dot products in a different order), both GEMM paths.
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

TEST_CASE("vulkan: device found and round trip is exact", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  INFO("device " << vulkan::device_name());
  CHECK(!vulkan::device_name().empty());
  CHECK(!vulkan::list_devices().empty());
  for (DType dt : {DType::f32, DType::f64, DType::i32, DType::i64}) {
    Tensor x = to_dtype(uniform_input({3, 5, 7}, DType::f64, -100, 100), dt);
    Tensor y = vk(x);
    CHECK(y.device() == Device::vulkan());
    CHECK(to(y, Device::cpu()).to_vector<double>() == x.to_vector<double>());
    CHECK(y.to_vector<double>() == x.to_vector<double>());
  }
  // An empty tensor and a scalar.
  CHECK(vk(Tensor::zeros({0, 3})).numel() == 0);
  CHECK(vk(Tensor::scalar(2.5)).item<float>() == 2.5f);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: copy with strides, broadcast and dtype conversion", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor x = uniform_input({6, 5, 4}, DType::f32, -50, 50);
  Tensor xv = vk(x);
  for (auto view : {+[](const Tensor& t) { return transpose(t, 0, 2); },
                    +[](const Tensor& t) {
                      return permute(t, {1, 2, 0});
                    },
                    +[](const Tensor& t) { return narrow(narrow(t, 1, 1, 3), 2, 2, 2); },
                    +[](const Tensor& t) {
                      return expand(narrow(t, 0, 2, 1), {6, 5, 4});
                    }}) {
    Tensor got = contiguous_untracked(view(xv)), want = contiguous_untracked(view(x));
    CHECK(got.to_vector<float>() == want.to_vector<float>());
  }
  for (DType from : {DType::f32, DType::i32, DType::i64, DType::f64})
    for (DType to_dt : {DType::f32, DType::i32, DType::i64, DType::f64}) {
      if ((from == DType::f64) != (to_dt == DType::f64) && from != DType::f32 && to_dt != DType::f32) continue;
      INFO(dtype_name(from) << " -> " << dtype_name(to_dt));
      Tensor src = to_dtype(x, from);
      Tensor got = to_dtype(transpose(vk(src), 0, 1), to_dt), want = to_dtype(transpose(src, 0, 1), to_dt);
      CHECK(got.to_vector<double>() == want.to_vector<double>());
    }
  // Writes into strided destinations: concat, pad, copy_ and fill_.
  Tensor a = uniform_input({2, 3}, DType::f32), b = uniform_input({4, 3}, DType::f32);
  CHECK(concat({vk(a), vk(b)}, 0).to_vector<float>() == concat({a, b}, 0).to_vector<float>());
  CHECK(concat({vk(a), vk(a)}, 1).to_vector<float>() == concat({a, a}, 1).to_vector<float>());
  CHECK(pad(vk(a), {{1, 2}, {0, 3}}, 0.5).to_vector<float>() == pad(a, {{1, 2}, {0, 3}}, 0.5).to_vector<float>());
  Tensor dst = vk(Tensor::zeros({3, 4}));
  copy_(transpose(dst, 0, 1), vk(uniform_input({4, 3}, DType::f32)));
  fill_(narrow(dst, 1, 1, 2), 7.0);
  Tensor dst_cpu = Tensor::zeros({3, 4});
  copy_(transpose(dst_cpu, 0, 1), uniform_input({4, 3}, DType::f32));
  CHECK(dst.to_vector<float>().size() == 12);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: every unary op matches the cpu", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  struct Case {
    UnaryOp op;
    double lo, hi;
    UnaryParams p = {};
  };
  std::vector<Case> cases = {
      {UnaryOp::neg, -3, 3},
      {UnaryOp::exp, -10, 10},
      {UnaryOp::log, 1e-3, 50},
      {UnaryOp::sqrt, 0, 50},
      {UnaryOp::rsqrt, 1e-3, 50},
      {UnaryOp::abs, -3, 3},
      {UnaryOp::sign, -3, 3},
      {UnaryOp::tanh, -12, 12},
      {UnaryOp::tanh, -1e-3, 1e-3},
      {UnaryOp::sigmoid, -30, 30},
      {UnaryOp::relu, -3, 3},
      {UnaryOp::leaky_relu, -3, 3, {0.2, 0}},
      {UnaryOp::gelu, -6, 6},
      {UnaryOp::softplus, -30, 30},
      {UnaryOp::clamp, -3, 3, {-0.5, 1.5}},
      {UnaryOp::pow_scalar, 0.1, 4, {2.5, 0}},
      {UnaryOp::pow_scalar, -3, 3, {3, 0}},
      {UnaryOp::pow_scalar, -3, 3, {-2, 0}},
      {UnaryOp::sin, -6, 6},
      {UnaryOp::cos, -6, 6},
      {UnaryOp::erf, -4, 4},
      {UnaryOp::erf, -0.3, 0.3},
      {UnaryOp::square, -3, 3},
      {UnaryOp::reciprocal, 0.1, 3},
      {UnaryOp::log1p, -0.9, 5},
      {UnaryOp::log1p, -1e-3, 1e-3},
      {UnaryOp::expm1, -5, 5},
      {UnaryOp::expm1, -1e-3, 1e-3},
  };
  for (const Case& c : cases) {
    INFO("unary op " << static_cast<int>(c.op) << " on [" << c.lo << ", " << c.hi << ")");
    Tensor x = uniform_input({37, 19}, DType::f32, c.lo, c.hi);
    for (bool strided : {false, true}) {
      Tensor xc = strided ? transpose(x, 0, 1) : x;
      Tensor xv = strided ? transpose(vk(x), 0, 1) : vk(x);
      Tensor want = unary_forward(c.op, xc, c.p), got = unary_forward(c.op, xv, c.p);
      CHECK(scaled_error(got, want, 1e-6, 2e-6) <= 1);
      log_error("unary", got, want);
    }
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: every binary op matches the cpu with broadcasting", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  using F = Tensor (*)(const Tensor&, const Tensor&);
  struct Case {
    const char* name;
    F f;
    double rtol;
  };
  std::vector<Case> cases = {
      {"add", &add, 1e-6},      {"sub", &sub, 1e-6},      {"mul", &mul, 1e-6}, {"div", &div, 1e-5}, {"pow", &pow, 1e-5},
      {"maximum", &maximum, 0}, {"minimum", &minimum, 0}, {"eq", &eq, 0},      {"ne", &ne, 0},      {"lt", &lt, 0},
      {"le", &le, 0},           {"gt", &gt, 0},           {"ge", &ge, 0}};
  std::vector<std::pair<Shape, Shape>> shapes = {{{4, 5}, {4, 5}}, {{4, 1, 5}, {3, 1}}, {{1}, {2, 3}}, {{}, {7}}};
  for (const Case& c : cases)
    for (auto& [sa, sb] : shapes) {
      INFO(c.name << " " << shape_str(sa) << " x " << shape_str(sb));
      Tensor a = uniform_input(sa, DType::f32, 0.2, 3), b = uniform_input(sb, DType::f32, 0.2, 3);
      if (c.rtol == 0) b = uniform_input(sb, DType::f32, -2, 2), a = uniform_input(sa, DType::f32, -2, 2);
      Tensor want = c.f(a, b), got = c.f(vk(a), vk(b));
      CHECK(scaled_error(got, want, 1e-30, c.rtol) <= 1);
      log_error("binary", got, want);
      // Integers (no div or pow on them).
      if (std::string(c.name) != "div" && std::string(c.name) != "pow")
        for (DType dt : {DType::i32, DType::i64}) {
          Tensor ai = to_dtype(mul(a, 100.0), dt), bi = to_dtype(mul(b, 100.0), dt);
          CHECK(c.f(vk(ai), vk(bi)).to_vector<int64_t>() == c.f(ai, bi).to_vector<int64_t>());
        }
    }
  // Equal values on both sides for the comparisons, and a strided operand.
  Tensor a = uniform_input({5, 6}, DType::f32);
  CHECK(eq(vk(a), vk(a)).to_vector<float>() == std::vector<float>(30, 1.0f));
  Tensor at = transpose(a, 0, 1);
  CHECK(add(transpose(vk(a), 0, 1), vk(at)).to_vector<float>() == add(at, at).to_vector<float>());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: where with any condition dtype", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor c = sub(uniform_input({4, 1, 6}, DType::f32), 0.0);
  std::vector<float> cv = c.to_vector<float>();
  cv[0] = -0.0f;  // counts as false, as on the CPU
  c = Tensor::from_vector<float>(cv, {4, 1, 6});
  c = gt(c, 0.2);
  Tensor a = uniform_input({3, 6}, DType::f32), b = uniform_input({4, 3, 1}, DType::f32);
  CHECK(where(vk(c), vk(a), vk(b)).to_vector<float>() == where(c, a, b).to_vector<float>());
  Tensor neg0 = Tensor::from_vector<float>({-0.0f, 1.0f, 0.0f}, {3});
  Tensor x = Tensor::from_vector<float>({1, 2, 3}, {3}), y = Tensor::from_vector<float>({4, 5, 6}, {3});
  CHECK(where(vk(neg0), vk(x), vk(y)).to_vector<float>() == std::vector<float>{4, 2, 6});
  for (DType dt : {DType::i32, DType::i64, DType::f64}) {
    Tensor ci = to_dtype(c, dt), ai = to_dtype(mul(a, 100.0), dt), bi = to_dtype(mul(b, 100.0), dt);
    CHECK(where(vk(ci), vk(ai), vk(bi)).to_vector<double>() == where(ci, ai, bi).to_vector<double>());
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: sum, max, min over any axes", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor x = uniform_input({6, 7, 300}, DType::f32, -2, 3);
  std::vector<std::vector<int64_t>> axes_list = {{}, {0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1}};
  for (bool strided : {false, true}) {
    Tensor xc = strided ? permute(x, {2, 0, 1}) : x;
    Tensor xv = strided ? permute(vk(x), {2, 0, 1}) : vk(x);
    for (const auto& axes : axes_list) {
      INFO("axes " << shape_str(axes) << (strided ? " strided" : " dense"));
      double scale = sum(abs(xc)).item<double>();
      Tensor want = sum(xc, axes), got = sum(xv, axes);
      CHECK(scaled_error(got, want, 1e-5 * scale, 0) <= 1);
      log_error("reduce sum", got, want);
      CHECK(max(xv, axes, true).to_vector<float>() == max(xc, axes, true).to_vector<float>());
      CHECK(min(xv, axes).to_vector<float>() == min(xc, axes).to_vector<float>());
    }
  }
  // A long reduction and integer sums.
  Tensor big = uniform_input({200000}, DType::f32, 0, 1);
  Tensor got = sum(vk(big)), want = sum(big);
  CHECK(std::abs(got.item<double>() - want.item<double>()) <= 1e-5 * want.item<double>());
  log_error("reduce sum", got, want);
  for (DType dt : {DType::i32, DType::i64}) {
    Tensor xi = to_dtype(mul(x, 1000.0), dt);
    CHECK(sum(vk(xi), {1}).to_vector<int64_t>() == sum(xi, {1}).to_vector<int64_t>());
    CHECK(max(vk(xi), {0, 2}).to_vector<int64_t>() == max(xi, {0, 2}).to_vector<int64_t>());
  }
  // NaN propagates through max like on the CPU.
  Tensor n = Tensor::from_vector<float>({1, NAN, 3, 4}, {2, 2});
  CHECK(std::isnan(max(vk(n), {1}).to_vector<float>()[0]));
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: matmul, both GEMM paths, with transposes, batches and odd sizes", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  // Every conformant device has the limits the skinny path needs (lavapipe too), so CI runs
  // both paths; on a device without them say what was left out.
  if (vulkan::device_name().find("llvmpipe") != std::string::npos) CHECK(vulkan::has_skinny_gemm());
  std::vector<vulkan::GemmPath> paths = {vulkan::GemmPath::tiled, vulkan::GemmPath::automatic};
  if (vulkan::has_skinny_gemm())
    paths.push_back(vulkan::GemmPath::skinny);
  else
    WARN("this device's limits leave out the skinny GEMM: that path is not tested");
  struct Case {
    Shape a, b;
    bool ta, tb;
  };
  std::vector<Case> cases = {{{1, 1}, {1, 1}, false, false},
                             {{65, 33}, {33, 70}, false, false},
                             {{33, 65}, {33, 70}, true, false},
                             {{65, 33}, {70, 33}, false, true},
                             {{3, 20, 17}, {3, 17, 9}, false, false},
                             {{2, 1, 5, 8}, {3, 8, 4}, false, false},
                             {{4, 130, 64}, {64, 129}, false, false},
                             {{7}, {7, 3}, false, false},
                             // skinny products (the skinny path's job under `automatic`): one row
                             // against a transposed weight as in a sampling step, K over one slice
                             // of 64, N over one tile of 16, and 8 / 9 rows around kSkinnyRows
                             {{1, 200}, {37, 200}, false, true},
                             {{3, 1}, {1, 17}, false, false},
                             {{8, 65}, {65, 16}, false, false},
                             {{9, 130}, {33, 130}, false, true},
                             {{129, 5}, {129, 31}, true, false},
                             {{2, 5, 67}, {2, 67, 18}, false, false},
                             {{5, 3}, {19, 5}, true, true},
                             {{2, 70}, {45, 70}, false, true},
                             {{4, 129}, {129, 33}, false, false}};
  for (vulkan::GemmPath path : paths) {
    vulkan::set_gemm_path(path);
    for (const Case& c : cases) {
      INFO("path " << int(path) << ": " << shape_str(c.a) << (c.ta ? "^T" : "") << " @ " << shape_str(c.b)
                   << (c.tb ? "^T" : ""));
      Tensor a = uniform_input(c.a, DType::f32), b = uniform_input(c.b, DType::f32);
      Tensor want = matmul(a, b, c.ta, c.tb), got = matmul(vk(a), vk(b), c.ta, c.tb);
      int64_t k = c.ta ? a.size(-2) : a.size(-1);
      CHECK(scaled_error(got, want, 1e-6 * k, 1e-6) <= 1);
      log_error("bmm", got, want);
    }
  }
  vulkan::set_gemm_path(vulkan::GemmPath::automatic);
  // K = 0 gives zeros.
  CHECK(matmul(vk(Tensor::zeros({2, 0})), vk(Tensor::zeros({0, 3}))).to_vector<float>() == std::vector<float>(6, 0));
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: reductions longer than lavapipe's loop-iteration limit", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  // lavapipe silently cuts shader loops after about 2^14 iterations; the reduce kernel
  // splits long reductions so no thread loops that long. Every partial sum here is an exact
  // f32 integer, so any order gives exactly the same result.
  Tensor x = Tensor::full({1 << 24}, 3.0);
  x.data<float>()[12345678] = 7.0f;
  Tensor xv = vk(x);
  CHECK(sum(xv).item<float>() == 3.0f * (1 << 24) + 4.0f);
  CHECK(max(xv).item<float>() == 7.0f);
  CHECK(sum(reshape(xv, {2, 1 << 23}), {1}).to_vector<float>() ==
        std::vector<float>{3.0f * (1 << 23), 3.0f * (1 << 23) + 4.0f});
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
