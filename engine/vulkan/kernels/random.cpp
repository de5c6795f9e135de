// Random draws and sampling on the device (shaders/random.comp, multinomial.comp,
// logit_filter.comp, philox.glsl): the same Philox stream as the CPU, so uniform, integer,
// Bernoulli and multinomial draws equal the CPU's bit for bit (uniform and multinomial
// need shaderFloat64 for that; without it they run in f32 and agree to rounding).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/vulkan/context.h"
#include "engine/vulkan/kernels/kernels.h"
#include "ops/random.h"
#include "ops/sampling.h"

namespace cadenza::vulkan {
namespace {

struct Words64 {
  uint32_t lo, hi;
};
Words64 words(uint64_t v) { return {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)}; }
Words64 double_bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return words(u);
}

struct RandomPush {
  uint32_t n, out_off, p_off, thresh;
  Words64 seed, offset;
  float fa, fb;
  Words64 da, db;
};
static_assert(sizeof(RandomPush) == 56);

// The f64 variant reproduces the CPU's f64 arithmetic; it needs shaderFloat64.
std::string f64_or_f32(const std::string& base, const char* f64_name) {
  return base + (context().float64 ? f64_name : "_f32");
}

RandomPush random_push(const char* kernel, const Tensor& out, uint64_t seed, uint64_t offset) {
  RandomPush p{};
  p.n = u32(kernel, out.numel());
  p.out_off = offset_of(kernel, out);
  p.seed = words(seed);
  p.offset = words(offset);
  return p;
}

void random_vk(RandomDist dist, const Tensor& out, uint64_t seed, uint64_t offset, RandomParams params) {
  RandomPush p = random_push("random", out, seed, offset);
  if (dist == RandomDist::randint) {
    CADENZA_CHECK(out.dtype() == DType::i64, "vulkan random: integers are drawn as i64, not {}",
                  dtype_name(out.dtype()));
    const auto lo = static_cast<int64_t>(params.a);
    p.da = words(static_cast<uint64_t>(lo));
    p.db = words(static_cast<uint64_t>(static_cast<int64_t>(params.b) - lo));
  } else {
    CADENZA_CHECK(out.dtype() == DType::f32, "vulkan random: {} draws are not supported on the device (f32 only)",
                  dtype_name(out.dtype()));
    p.fa = static_cast<float>(params.a);
    p.fb = static_cast<float>(params.b);
    p.da = double_bits(params.a);
    p.db = double_bits(params.b);
    // u < a with u = (w >> 8) 2^-24 is the integer test (w >> 8) < ceil(a 2^24).
    p.thresh = static_cast<uint32_t>(std::ceil(std::clamp(params.a, 0.0, 1.0) * 16777216.0));
  }
  run_flat(f64_or_f32("random", "_exact"), {static_cast<uint32_t>(dist)}, &p, sizeof p, out.numel(),
           {{buffer_of(out), true}});
}

void bernoulli_vk(const Tensor& prob, const Tensor& out, uint64_t seed, uint64_t offset) {
  CADENZA_CHECK(prob.dtype() == DType::f32, "vulkan bernoulli: {} tensors are not supported on the device (f32 only)",
                dtype_name(prob.dtype()));
  RandomPush p = random_push("bernoulli", out, seed, offset);
  p.p_off = offset_of("bernoulli", prob);
  run_flat(f64_or_f32("random", "_exact"), {4u}, &p, sizeof p, out.numel(),
           {{buffer_of(out), true}, {buffer_of(prob), false}});
}

struct MultinomialPush {
  uint32_t rows, V, S, w_off, out_off, pad;
  Words64 seed, offset;
};

void multinomial_vk(const Tensor& w, const Tensor& out, uint64_t seed, uint64_t offset) {
  CADENZA_CHECK(w.dtype() == DType::f32, "vulkan multinomial: {} weights are not supported on the device (f32 only)",
                dtype_name(w.dtype()));
  const char* k = "multinomial";
  MultinomialPush p{u32(k, w.size(0)), u32(k, w.size(1)), u32(k, out.size(1)), offset_of(k, w), offset_of(k, out),
                    0, words(seed), words(offset)};
  run_flat(f64_or_f32("multinomial", "_f64"), {}, &p, sizeof p, out.numel(),
           {{buffer_of(out), true}, {buffer_of(w), false}});
  // The device marks a bad row with -1; the CPU kernel's contract is an error. Reading the
  // (small) result back costs a flush, which sampling needs anyway to use the tokens.
  std::vector<int64_t> ids = out.to_vector<int64_t>();
  auto bad = std::find(ids.begin(), ids.end(), -1);
  CADENZA_CHECK(bad == ids.end(), "multinomial: row {} has a negative or non-finite weight, or no positive one",
                (bad - ids.begin()) / out.size(1));
}

struct FilterPush {
  uint32_t rows, V, k, x_off, y_off;
  float p;
};

void logit_filter_vk(LogitFilter f, const Tensor& logits, const Tensor& out, double param) {
  CADENZA_CHECK(logits.dtype() == DType::f32, "vulkan logit filter: {} logits are not supported (f32 only)",
                dtype_name(logits.dtype()));
  const char* k = "logit_filter";
  FilterPush p{u32(k, logits.size(0)), u32(k, logits.size(1)),
               f == LogitFilter::top_k ? u32(k, static_cast<int64_t>(std::min(param, 2e9))) : 0u,
               offset_of(k, logits), offset_of(k, out), static_cast<float>(param)};
  run_flat(f64_or_f32("logit_filter", "_f64"), {f == LogitFilter::top_p ? 1u : 0u}, &p, sizeof p, logits.numel(),
           {{buffer_of(out), true}, {buffer_of(logits), false}});
}

}  // namespace

void register_random_kernels() {
  random_kernel.set_vulkan(&random_vk);
  bernoulli_kernel.set_vulkan(&bernoulli_vk);
  multinomial_kernel.set_vulkan(&multinomial_vk);
  logit_filter_kernel.set_vulkan(&logit_filter_vk);
}

}  // namespace cadenza::vulkan
