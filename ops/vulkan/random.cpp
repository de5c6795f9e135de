// Random draws on the device (shaders/random.comp, philox.glsl): the same Philox stream as the CPU, so uniform,
// integer, Bernoulli and multinomial draws equal the CPU's bit for bit (uniform and multinomial need shaderFloat64 for
// that; without it they run in f32 and agree to rounding).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/vulkan/context.h"
#include "engine/vulkan/extension.h"
#include "ops/random.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct RandomPush {
  uint32_t n, out_off, p_off, thresh;
  Words64 seed, offset;
  float fa, fb;
  Words64 da, db;
};
static_assert(sizeof(RandomPush) == 56);

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
  require_f32("bernoulli", prob);
  RandomPush p = random_push("bernoulli", out, seed, offset);
  p.p_off = offset_of("bernoulli", prob);
  run_flat(f64_or_f32("random", "_exact"), {static_cast<uint32_t>(kRandomDistCount)}, &p, sizeof p, out.numel(),
           {{buffer_of(out), true}, {buffer_of(prob), false}});
}

const KernelRegistration registration([] {
  random_kernel.set_vulkan(&random_vk);
  bernoulli_kernel.set_vulkan(&bernoulli_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
