#pragma once
// How kernels describe tensors to shaders. Shapes and strides travel as push constants
// (128 bytes, the portable minimum), so a kernel sees at most kMaxDims axes per operand
// *after merging*: axes of size 1 are dropped and neighbouring axes that are contiguous with
// each other in every operand are fused, which brings almost every real layout to 1-3
// axes. Indices and strides are 32-bit on the device: a tensor must have fewer than 2^31
// elements. Both limits fail with a clear message naming the kernel.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "engine/tensor.h"
#include "engine/vulkan/buffer_pool.h"

namespace cadenza::vulkan {

constexpr int kMaxDims = 6;

// The device buffer holding t (t must be on the Vulkan device).
Buffer* buffer_of(const Tensor& t);
// A size or offset (u32) and a stride (i32) as the device kernels take them; out of the
// 32-bit range fails with a message naming `kernel`.
uint32_t u32(const char* kernel, int64_t v);
int32_t i32_stride(const char* kernel, int64_t s);

// Axes after merging; strides[k] belongs to operand k.
struct Merged {
  Shape shape;
  std::vector<Shape> strides;
};
Merged merge_axes(const Shape& shape, std::vector<Shape> strides);
// t's element strides seen with `shape` (t broadcasts to it): 0 on broadcast axes.
Shape broadcast_strides(const Tensor& t, const Shape& shape);

// Push constants of the elementwise shaders (shaders/elementwise.glsl): up to three strided
// operands (element i of the output's row-major order is at off[k] + sum idx[d] * st[k][d])
// and one dense output at off[3].
struct ElementwisePush {
  uint32_t n = 0, ndim = 0;
  float a = 0, b = 0;
  uint32_t shape[kMaxDims] = {};
  uint32_t off[4] = {};
  int32_t st[3][kMaxDims] = {};
};
static_assert(sizeof(ElementwisePush) == 128);

ElementwisePush elementwise_push(const char* kernel, const Shape& shape, std::initializer_list<Tensor> strided);

// Threads per workgroup of the 1-D kernels (KernelConfig::group_size, shaders/group.glsl).
uint32_t group_size();
// Workgroup grid covering `groups` workgroups (x first, spilling into y past the device's
// maxComputeWorkGroupCount[0]); beyond x times y a one-line error names `kernel`.
std::array<uint32_t, 2> grid(const char* kernel, int64_t groups);
inline int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace cadenza::vulkan
