// f16 inference weights on the device (ops/half_matmul.h, nn/precision.h).
// Bounds, derived from f16 rounding: rounding to nearest makes each weight
// |w16 − w| <= 2^-11 |w| (normal range; these weights are far from the subnormals), so
// |Σ x w16 − Σ x w| <= 2^-11 Σ|x||w|. The device sums in f32 in its own order, adding
// K · 2^-24 Σ|x||w| at most; the test allows (2^-11 + K · 2^-23) Σ|x||w| + 1e-30 per output
// against the f32 CPU GEMM, and K · 2^-23 Σ|x||w16| against the exact f16 reference (the
// CPU slot, f64 sums), which shows the device really reads the halves.
#include "nn/attention.h"
#include "nn/linear.h"
#include "nn/rnn.h"
#include "ops/half_matmul.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

namespace {

// Σ_k |x[m, k]| |w[n, k]| for every output, on the host in f64.
std::vector<double> abs_products(const Tensor& x, const Tensor& w) {
  const int64_t M = x.size(0), K = x.size(1), N = w.size(0);
  const std::vector<double> xs = x.to_vector<double>(), ws = w.to_vector<double>();
  std::vector<double> s(size_t(M * N), 0.0);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) s[size_t(m * N + n)] += std::abs(xs[size_t(m * K + k)] * ws[size_t(n * K + k)]);
  return s;
}

// The largest |got − want| / bound over the outputs (<= 1 passes).
double worst_ratio(const Tensor& got, const Tensor& want, const std::vector<double>& bound) {
  const std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  double worst = 0;
  for (size_t i = 0; i < g.size(); ++i) worst = std::max(worst, std::abs(g[i] - w[i]) / (bound[i] + 1e-30));
  return worst;
}

}  // namespace

TEST_CASE("f16 conversion: round to nearest even, every half round-trips", "[vulkan][half]") {
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    if ((h & 0x7C00u) == 0x7C00u && (h & 0x3FFu)) continue;  // NaN payloads
    REQUIRE(to_f16(from_f16(uint16_t(h))) == h);
  }
  CHECK(from_f16(0x3C00) == 1.0f);
  CHECK(from_f16(0x7BFF) == 65504.0f);
  CHECK(from_f16(0x0001) == std::ldexp(1.0f, -24));
  CHECK(to_f16(65519.0f) == 0x7BFF);
  CHECK(to_f16(65520.0f) == 0x7C00);                          // the tie rounds to even: past the largest half
  CHECK(to_f16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);      // tie to the even 1.0
  CHECK(to_f16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);  // tie to the even 1 + 2^-9
  CHECK(to_f16(std::ldexp(1.0f, -25)) == 0x0000);             // half the smallest subnormal: tie to 0
  CHECK(to_f16(std::ldexp(3.0f, -25)) == 0x0002);
  CHECK(to_f16(-0.0f) == 0x8000);
  CHECK(std::isnan(from_f16(to_f16(NAN))));
  // Every f32 within 2^-11 relative of its half (normal range), on a sweep of values.
  for (float v = 1e-4f; v < 6e4f; v *= 1.0007f) REQUIRE(std::abs(from_f16(to_f16(v)) - v) <= std::ldexp(v, -11));
}

TEST_CASE("vulkan: f16-weight GEMM against the f32 CPU GEMM, both paths", "[vulkan][half]") {
  CADENZA_REQUIRE_VULKAN();
  REQUIRE(vulkan::has_f16_storage());
  struct Case {
    int64_t M, K, N;
  };
  for (vulkan::GemmPath path : {vulkan::GemmPath::tiled, vulkan::GemmPath::automatic})
    for (Case c : {Case{1, 64, 256}, Case{3, 7, 17}, Case{8, 200, 130}, Case{70, 33, 65}, Case{1, 1, 1}}) {
      INFO("M " << c.M << " K " << c.K << " N " << c.N << " path " << int(path));
      vulkan::set_gemm_path(path);
      const Tensor x = uniform_input({c.M, c.K}, DType::f32, -2, 2), w = uniform_input({c.N, c.K}, DType::f32, -1, 1);
      const HalfMatrix wh = to_half(vk(w));
      CHECK(wh.packed.dtype() == DType::i32);
      CHECK(wh.packed.size(1) == (c.K + 1) / 2);
      const Tensor got = matmul_half(vk(x), wh);
      REQUIRE(got.device() == Device::vulkan());
      REQUIRE(got.shape() == Shape{c.M, c.N});
      const double K = double(c.K);
      std::vector<double> to_f32 = abs_products(x, w), to_ref = to_f32;
      for (double& b : to_f32) b *= std::ldexp(1.0, -11) + K * std::ldexp(1.0, -23);
      for (double& b : to_ref) b *= K * std::ldexp(1.0, -23) * (1 + std::ldexp(1.0, -11));
      CHECK(worst_ratio(got, matmul(x, w, false, true), to_f32) <= 1.0);
      const Tensor ref = matmul_half(x, to_half(w));  // the CPU slot: f64 sums of the same halves
      CHECK(worst_ratio(got, ref, to_ref) <= 1.0);
    }
  vulkan::set_gemm_path(vulkan::GemmPath::automatic);
  // A strided input (a transposed view) and a leading batch shape.
  const Tensor x = uniform_input({5, 2, 9}, DType::f32), w = uniform_input({6, 5}, DType::f32);
  const Tensor xt = transpose(vk(x), 0, 2);  // [9, 2, 5]
  const Tensor got = matmul_half(xt, to_half(vk(w)));
  CHECK(got.shape() == Shape{9, 2, 6});
  CHECK(scaled_error(got, matmul_half(transpose(x, 0, 2), to_half(w)), 1e-6, 1e-5) <= 1.0);
  CHECK(matmul_half(vk(Tensor::zeros({0, 5})), to_half(vk(w))).shape() == Shape{0, 6});  // no rows
  // Wrong width, wrong device, a recorded gradient: one-line errors.
  CHECK_THROWS_WITH(matmul_half(vk(Tensor::zeros({2, 4})), to_half(vk(w))), Catch::Contains("5 columns"));
  CHECK_THROWS_WITH(matmul_half(Tensor::zeros({2, 5}), to_half(vk(w))), Catch::Contains("f16 matrix on vulkan"));
  Tensor needs = vk(Tensor::zeros({2, 5}));
  needs.set_requires_grad(true);
  CHECK_THROWS_WITH(matmul_half(needs, to_half(vk(w))), Catch::Contains("inference"));
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: LSTM + Linear sampling steps with f16 weights track f32", "[vulkan][half]") {
  CADENZA_REQUIRE_VULKAN();
  // A melody_rnn-sized stack: 2-layer LSTM (H 64) over one-hot-like inputs, Linear head.
  Generator gen(7);
  const int64_t I = 38, H = 64, V = 38;
  nn::LSTM lstm(I, H, {.num_layers = 2}, gen);
  nn::Linear head(H, V, true, gen);
  lstm.to(Device::vulkan());
  head.to(Device::vulkan());
  const Tensor x = vk(uniform_input({12, 1, I}, DType::f32, 0, 1));
  NoGradGuard no_grad;
  auto logits = [&](const Tensor& seq) { return head.forward(lstm.forward(seq).output); };
  const Tensor want = logits(x);
  CHECK(nn::quantize_for_inference(lstm, nn::WeightPrecision::f16) == 1);
  head.quantize_for_inference(nn::WeightPrecision::f16);
  CHECK(lstm.inference_precision() == nn::WeightPrecision::f16);
  CHECK(head.inference_precision() == nn::WeightPrecision::f16);
  const Tensor got = logits(x);
  // Bound: each gate pre-activation moves by at most 2^-11 Σ|x||w| <= 2^-11 (I + H) / sqrt(H)
  // ≈ 5e-3 (weights U(±1/sqrt H), |x|, |h| <= 1); the cell squashes it (tanh and sigmoid are
  // 1-Lipschitz) and 12 steps compound it mildly: 2e-2 on the logits (a worst case; the
  // rounding errors mostly cancel: 2.4e-5 observed on lavapipe).
  const double err = max_error(got, want);
  INFO("max |f16 - f32| on the logits " << err);
  CHECK(err <= 2e-2);
  WARN("f16 LSTM + Linear: max |f16 - f32| on the logits " << err);
  CHECK(err > 0);  // the halves were really used
  // One more step from the final state: the single sampling step.
  const nn::LSTM::Result r = lstm.forward(narrow(x, 0, 0, 1));
  CHECK(r.output.device() == Device::vulkan());
  // f32 drops the snapshot: the f32 result again, bit for bit.
  lstm.quantize_for_inference(nn::WeightPrecision::f32);
  head.quantize_for_inference(nn::WeightPrecision::f32);
  CHECK(logits(x).to_vector<float>() == want.to_vector<float>());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: attention with f16 q/k/v and output projections tracks f32, cached decoding included",
          "[vulkan][half]") {
  CADENZA_REQUIRE_VULKAN();
  // A Music Transformer layer's attention: E 64, 4 heads, relative positions.
  Generator gen(11);
  const int64_t E = 64, L = 10;
  nn::MultiheadAttention mha(E, 4, {.max_relative_position = 16}, gen);
  mha.to(Device::vulkan());
  const Tensor x = vk(uniform_input({1, L, E}, DType::f32, 0, 1));
  NoGradGuard no_grad;
  const Tensor want = mha.forward(x, /*causal=*/true);
  CHECK(nn::quantize_for_inference(mha, nn::WeightPrecision::f16) == 2);  // the attention and out_proj
  CHECK(mha.inference_precision() == nn::WeightPrecision::f16);
  const Tensor got = mha.forward(x, /*causal=*/true);
  // Bound: a projection moves by at most 2^-11 Σ|x||w| <= 2^-11 · E · 1 · sqrt(6 / 4E) ≈ 4.8e-3
  // (Xavier-uniform in_proj, |x| <= 1); the scores mix two such errors over the head's 16
  // dimensions, softmax is 1-Lipschitz in max norm, and out_proj sums E of them with weights
  // below 1/sqrt(E): 2e-2 on the output is a worst case (lavapipe shows far less).
  const double err = max_error(got, want);
  INFO("max |f16 - f32| " << err);
  CHECK(err <= 2e-2);
  CHECK(err > 0);  // the halves were really read
  // Token by token through the KV cache, as sampling runs: the same rows.
  nn::KVCache cache;
  std::vector<Tensor> rows;
  for (int64_t t = 0; t < L; ++t) rows.push_back(mha.forward_cached(narrow(x, 1, t, 1), cache));
  CHECK(max_error(concat(rows, 1), got) <= 1e-5);
  nn::quantize_for_inference(mha, nn::WeightPrecision::f32);
  CHECK(mha.forward(x, true).to_vector<float>() == want.to_vector<float>());
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
