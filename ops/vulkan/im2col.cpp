// unfold (im2col) and fold (col2im) on the device (shaders/unfold.comp, fold.comp, window.glsl).
#include "ops/im2col.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct WindowPush {
  uint32_t total, C;
  uint32_t geometry[18];  // in, grid, kernel, stride, padding, dilation (3 each)
  uint32_t src_off, dst_off;
  int32_t st[5];
};
static_assert(sizeof(WindowPush) <= kPushBytes);

// The push constants shared by both directions; `strided` is the operand with free strides.
WindowPush window_push(const char* kernel, const WindowGeometry& g, int64_t total, int64_t channels,
                       const Tensor& strided, const Tensor& dense) {
  CADENZA_CHECK(strided.dtype() == DType::f32, "vulkan {}: {} tensors are not supported on the device (f32 only)",
                kernel, dtype_name(strided.dtype()));
  WindowPush p{};
  p.total = u32(kernel, total);
  p.C = u32(kernel, channels);
  const int64_t* fields[6] = {g.in, g.grid, g.kernel, g.stride, g.padding, g.dilation};
  for (int f = 0; f < 6; ++f)
    for (int a = 0; a < 3; ++a) p.geometry[3 * f + a] = u32(kernel, fields[f][a]);
  p.src_off = offset_of(kernel, strided);
  p.dst_off = offset_of(kernel, dense);
  return p;
}

void unfold_vk(const Tensor& x, const Tensor& cols, const WindowGeometry& g) {
  WindowPush p = window_push("unfold", g, cols.numel(), x.size(1), x, cols);
  // x's strides for [N, C, s0, s1, s2], the missing leading spatial axes having stride 0.
  const int64_t nd = x.dim() - 2;
  p.st[0] = i32_stride("unfold", x.strides()[0]);
  p.st[1] = i32_stride("unfold", x.strides()[1]);
  for (int64_t a = 0; a < 3; ++a) p.st[2 + a] = a < 3 - nd ? 0 : i32_stride("unfold", x.strides()[2 + a - (3 - nd)]);
  run_flat("unfold", {}, &p, sizeof p, cols.numel(), {{buffer_of(cols), true}, {buffer_of(x), false}});
}

void fold_vk(const Tensor& cols, const Tensor& out, const WindowGeometry& g) {
  WindowPush p = window_push("fold", g, out.numel(), out.size(1), cols, out);
  for (int d = 0; d < 3; ++d) p.st[d] = i32_stride("fold", cols.strides()[d]);
  run_flat("fold", {}, &p, sizeof p, out.numel(), {{buffer_of(out), true}, {buffer_of(cols), false}});
}

const KernelRegistration registration([] {
  unfold_kernel.set_vulkan(&unfold_vk);
  fold_kernel.set_vulkan(&fold_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
