// Multinomial draws and top-k / top-p logit filters on the device (shaders/multinomial.comp,
// logit_filter.comp): the same Philox stream as the CPU, so multinomial draws equal the
// CPU's (bit for bit with shaderFloat64, to rounding without).
#include <algorithm>

#include "engine/vulkan/extension.h"
#include "ops/sampling.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct MultinomialPush {
  uint32_t rows, V, S, w_off, out_off, pad;
  Words64 seed, offset;
};

void multinomial_vk(const Tensor& w, const Tensor& out, uint64_t seed, uint64_t offset) {
  CADENZA_CHECK(w.dtype() == DType::f32, "vulkan multinomial: {} weights are not supported on the device (f32 only)",
                dtype_name(w.dtype()));
  const char* k = "multinomial";
  MultinomialPush p{u32(k, w.size(0)), u32(k, w.size(1)), u32(k, out.size(1)), offset_of(k, w), offset_of(k, out), 0,
                    words(seed),       words(offset)};
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
  FilterPush p{u32(k, logits.size(0)),
               u32(k, logits.size(1)),
               f == LogitFilter::top_k ? u32(k, static_cast<int64_t>(std::min(param, 2e9))) : 0u,
               offset_of(k, logits),
               offset_of(k, out),
               static_cast<float>(param)};
  run_flat(f64_or_f32("logit_filter", "_f64"), {static_cast<uint32_t>(f)}, &p, sizeof p, logits.numel(),
           {{buffer_of(out), true}, {buffer_of(logits), false}});
}

const KernelRegistration registration([] {
  multinomial_kernel.set_vulkan(&multinomial_vk);
  logit_filter_kernel.set_vulkan(&logit_filter_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
