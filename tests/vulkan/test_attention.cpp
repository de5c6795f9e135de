// The fused attention forward (shaders/attention.comp) against the CPU's op path (matmul,
// skew, where, softmax, matmul): plain, causal, key padding, relative positions with
// M > S and M < S, a key/value-cache step (L < S), a fully masked row, strided views as
// the attention layer makes them ([B, L, H, D] transposed), long rows (S > 64 keys per
// thread), D at the limit and more keys than one chunk of shared memory holds on a small
// device. Tolerance: atol 2e-6, rtol 1e-5 (f32 dot products and an f32 softmax in another
// order; outputs are averages of v in [-1, 1]).
#include "engine/autograd.h"
#include "ops/samples.h"
#include "vulkan_test_util.h"

using namespace cadenza;
using namespace cadenza::vktest;
using cadenza::testing::uniform_input;

namespace {

struct Case {
  const char* name;
  int64_t B, H, L, S, D, Dv;
  bool causal, padding, transposed;
  int64_t M;  // rows of rel_emb, 0 = none
};

}  // namespace

TEST_CASE("vulkan: fused attention forward matches the cpu op path", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  const std::vector<Case> cases = {
      {"plain", 2, 3, 5, 7, 8, 4, false, false, false, 0},
      {"causal", 1, 2, 9, 9, 16, 16, true, false, false, 0},
      {"causal, key padding", 2, 2, 6, 6, 5, 3, true, true, false, 0},
      {"relative M > S", 1, 2, 10, 10, 8, 8, true, false, false, 14},
      {"relative M < S", 2, 1, 12, 12, 8, 8, true, false, false, 5},
      {"cache step L=1 S=33, relative", 2, 4, 1, 33, 16, 16, true, false, true, 40},
      {"cache step L=3 S=70, relative, padding", 2, 2, 3, 70, 12, 12, true, true, false, 64},
      {"transposed views", 2, 4, 17, 17, 32, 32, true, false, true, 0},
      {"long rows", 1, 2, 4, 300, 64, 64, false, true, true, 0},
      {"D at the limit", 1, 1, 2, 65, kFusedAttentionMaxDim, 3, false, false, false, 0},
      // One chunk of scores here; two under test_vulkan_small_limits (chunks of 1024 keys).
      {"S = 1500 keys, relative, padding", 1, 2, 3, 1500, 16, 16, true, true, false, 40},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    // transposed: q/k/v are [B, L, H, D] buffers viewed as [B, H, L, D], as the layer does.
    auto input = [&](int64_t len, int64_t d) {
      return c.transposed ? transpose(uniform_input({c.B, len, c.H, d}, DType::f32), 1, 2)
                          : uniform_input({c.B, c.H, len, d}, DType::f32);
    };
    Tensor q = input(c.L, c.D), k = input(c.S, c.D), v = input(c.S, c.Dv);
    Tensor rel = c.M ? uniform_input({c.M, c.D}, DType::f32) : Tensor();
    Tensor pads;
    if (c.padding) {  // batch 0 pads the last key, batch 1 (if any) the first two
      std::vector<int64_t> p(size_t(c.B * c.S), 0);
      p[size_t(c.S - 1)] = 1;
      if (c.B > 1) p[size_t(c.S)] = p[size_t(c.S + 1)] = 1;
      pads = Tensor::from_vector<int64_t>(p, {c.B, c.S});
    }
    auto on = [](const Tensor& t) { return t.defined() ? vk(t) : Tensor(); };
    Tensor want = attention(q, k, v, c.causal, pads, rel);
    NoGradGuard no_grad;
    Tensor got = attention(on(q), on(k), on(v), c.causal, on(pads), on(rel));
    CHECK(scaled_error(got, want, 2e-6, 1e-5) <= 1);
    log_error("fused_attention", got, want);

    // attention() really took the fused kernel (same bits as calling it directly).
    std::optional<Tensor> direct =
        fused_attention_kernel(Device::vulkan(), on(q), on(k), on(v), on(pads), on(rel), c.causal);
    REQUIRE(direct.has_value());
    CHECK(direct->to_vector<float>() == got.to_vector<float>());
  }
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}

TEST_CASE("vulkan: attention that needs gradients keeps the op path", "[vulkan]") {
  CADENZA_REQUIRE_VULKAN();
  Tensor q = uniform_input({1, 2, 4, 8}, DType::f32), k = uniform_input({1, 2, 4, 8}, DType::f32);
  Tensor v = uniform_input({1, 2, 4, 8}, DType::f32);
  Tensor qv = vk(q).detach();
  qv.set_requires_grad(true);
  Tensor out = attention(qv, vk(k), vk(v), true);
  backward(sum(out));
  CHECK(qv.grad().defined());
  CHECK(scaled_error(out, attention(q, k, v, true), 2e-6, 1e-5) <= 1);
  CADENZA_CHECK_NO_VALIDATION_MESSAGES();
}
