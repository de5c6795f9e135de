// index_select / index_add (shaders/index_axis.comp) and gather / scatter_add
// (shaders/index_lines.comp) on the device. Selecting moves raw words, so it serves every
// dtype; the adds are typed (f32, i32, i64). Both adds are race-free: an invocation owns its
// output elements and sums their terms in the CPU kernel's order.
#include "ops/index.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct AxisPush {
  uint32_t outer, size, n, inner;
  uint32_t dst_off, idx_off, src_off;
};

// A dense shape seen as [outer, size, inner] around `axis`.
AxisPush axis_push(const char* kernel, const Shape& s, int64_t axis, const Tensor& idx) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (int64_t d = axis + 1; d < static_cast<int64_t>(s.size()); ++d) inner *= s[d];
  return {u32(kernel, outer),
          u32(kernel, s[axis]),
          u32(kernel, idx.numel()),
          u32(kernel, inner),
          0,
          offset_of(kernel, idx),
          0};
}

void index_select_vk(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out) {
  AxisPush p = axis_push("index_select", x.shape(), axis, idx);
  p.dst_off = offset_of("index_select", out);
  p.src_off = offset_of("index_select", x);
  run_flat("index_axis_select", {words_of(idx), words_of(x)}, &p, sizeof p, out.numel(),
           {{buffer_of(out), true}, {buffer_of(x), false}, {buffer_of(idx), false}});
}

void index_add_vk(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src) {
  AxisPush p = axis_push("index_add", out.shape(), axis, idx);
  p.dst_off = offset_of("index_add", out);
  p.src_off = offset_of("index_add", src);
  run_flat("index_axis_add_" + typed_variant("index_add", out.dtype()), {words_of(idx), 1}, &p, sizeof p,
           int64_t{p.outer} * p.inner, {{buffer_of(out), true}, {buffer_of(src), false}, {buffer_of(idx), false}});
}

struct LinesPush {
  uint32_t n, ndim, len, axis;
  uint32_t shape[kMaxDims];
  int32_t st[3][kMaxDims];
  uint32_t off[3];
};
static_assert(sizeof(LinesPush) <= kPushBytes);

// Operands data, idx, other over `shape` (idx's shape, or its lines for scatter_add).
LinesPush lines_push(const char* kernel, const Shape& shape, int64_t axis, int64_t len,
                     std::initializer_list<Tensor> operands) {
  CADENZA_CHECK(static_cast<int>(shape.size()) <= kMaxDims, "vulkan {}: {} axes; the device kernel handles at most {}",
                kernel, shape.size(), kMaxDims);
  LinesPush p{};
  p.n = u32(kernel, numel(shape));
  p.ndim = static_cast<uint32_t>(shape.size());
  p.len = u32(kernel, len);
  p.axis = static_cast<uint32_t>(axis);
  for (size_t d = 0; d < shape.size(); ++d) p.shape[d] = u32(kernel, shape[d]);
  int k = 0;
  for (const Tensor& t : operands) {
    p.off[k] = offset_of(kernel, t);
    for (size_t d = 0; d < shape.size(); ++d) p.st[k][d] = i32_stride(kernel, t.strides()[d]);
    ++k;
  }
  return p;
}

void gather_vk(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out) {
  LinesPush p = lines_push("gather", idx.shape(), axis, 1, {x, idx, out});
  run_flat("index_lines_gather", {words_of(idx), words_of(x)}, &p, sizeof p, p.n,
           {{buffer_of(x), false}, {buffer_of(idx), false}, {buffer_of(out), true}});
}

void scatter_add_vk(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src) {
  Shape lines = idx.shape();
  const int64_t len = lines.empty() ? 1 : lines[axis];
  if (!lines.empty()) lines[axis] = 1;
  LinesPush p = lines_push("scatter_add", lines, axis, len, {out, idx, src});
  run_flat("index_lines_scatter_" + typed_variant("scatter_add", out.dtype()), {words_of(idx), 1}, &p, sizeof p,
           len == 0 ? 0 : p.n, {{buffer_of(out), true}, {buffer_of(idx), false}, {buffer_of(src), false}});
}

const KernelRegistration registration([] {
  index_select_kernel.set_vulkan(&index_select_vk);
  index_add_kernel.set_vulkan(&index_add_vk);
  gather_kernel.set_vulkan(&gather_vk);
  scatter_add_kernel.set_vulkan(&scatter_add_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
