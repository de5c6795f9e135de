// sum / max / min over any axes, argmax / argmin along one (shaders/reduce.comp, arg_reduce.comp).
#include <algorithm>

#include "engine/vulkan/extension.h"
#include "ops/reduce.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

// lavapipe (llvmpipe) silently stops a shader loop after about 2^14-2^15 iterations (a
// guard against endless loops), so no thread walks more than this many elements.
constexpr uint32_t kMaxThreadLoop = 8192;

struct ReducePush {
  uint32_t n_out = 0, n_red = 0, kdim = 0, rdim = 0, off = 0, out_off = 0;
  uint32_t parts = 1, part_len = 0;
  uint32_t kshape[kMaxDims] = {};
  int32_t kst[kMaxDims] = {};
  uint32_t rshape[kMaxDims] = {};
  int32_t rst[kMaxDims] = {};
};
static_assert(sizeof(ReducePush) <= kPushBytes);

// Writes the merged axes of one group (kept or reduced) into shape/stride arrays.
uint32_t fill_axes(const Shape& shape, const Shape& strides, uint32_t* out_shape, int32_t* out_strides) {
  Merged m = merge_axes(shape, {strides});
  CADENZA_CHECK(static_cast<int>(m.shape.size()) <= kMaxDims,
                "vulkan reduce: {} axes after merging; the device kernel handles at most {}", m.shape.size(), kMaxDims);
  for (size_t d = 0; d < m.shape.size(); ++d) {
    out_shape[d] = u32("reduce", m.shape[d]);
    out_strides[d] = static_cast<int32_t>(m.strides[0][d]);
  }
  return static_cast<uint32_t>(m.shape.size());
}

void reduce_vk(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes, const Tensor& out) {
  std::string module = "reduce_" + typed_variant("reduce", x.dtype());
  Shape ks, kst, rs, rst;
  for (int64_t d = 0; d < x.dim(); ++d) {
    bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    (reduced ? rs : ks).push_back(x.shape()[d]);
    (reduced ? rst : kst).push_back(x.strides()[d]);
  }
  with_dense_output(out, [&](const Tensor& o) {
    ReducePush p;
    p.n_out = u32("reduce", numel(ks));
    p.n_red = u32("reduce", numel(rs));
    p.kdim = fill_axes(ks, kst, p.kshape, p.kst);
    p.rdim = fill_axes(rs, rst, p.rshape, p.rst);
    p.off = u32("reduce", x.offset());
    p.out_off = u32("reduce", o.offset());
    if (p.n_out == 0) return;
    p.part_len = p.n_red;
    // A workgroup per output wastes its threads on a short reduction: then one thread each
    // (while its loop stays short, see kMaxThreadLoop).
    const bool per_thread = p.n_red <= 32 || (p.n_out >= 8192 && p.n_red <= kMaxThreadLoop);
    const std::vector<uint32_t> spec = {static_cast<uint32_t>(op), per_thread ? 1u : 0u};
    if (per_thread) {
      auto [gx, gy] = grid("reduce", div_up(p.n_out, group_size()));
      stream().dispatch(pipeline(module, spec), {{buffer_of(o), true}, {buffer_of(x), false}}, &p, sizeof p, gx, gy);
      return;
    }
    const int64_t part_len = int64_t{group_size()} * kMaxThreadLoop;
    if (p.n_red <= part_len) {
      auto [gx, gy] = grid("reduce", p.n_out);
      stream().dispatch(pipeline(module, spec), {{buffer_of(o), true}, {buffer_of(x), false}}, &p, sizeof p, gx, gy);
      return;
    }
    // Long: a workgroup per part writes partials [n_out, parts], then those are reduced.
    const int64_t parts = div_up(p.n_red, part_len);
    Tensor partials = make_tensor({p.n_out, parts}, x.dtype(), x.device());
    ReducePush first = p;
    first.parts = u32("reduce", parts), first.part_len = u32("reduce", part_len), first.out_off = 0;
    auto [gx, gy] = grid("reduce", p.n_out * parts);
    stream().dispatch(pipeline(module, spec), {{buffer_of(partials), true}, {buffer_of(x), false}}, &first,
                      sizeof first, gx, gy);
    reduce_vk(op, partials, {1}, o.as_strided({int64_t{p.n_out}, 1}, {1, 1}, o.offset()));
  });
}

struct ArgReducePush {
  uint32_t n_out = 0, len = 0, kdim = 0, off = 0, out_off = 0;
  int32_t axis_stride = 0;
  uint32_t kshape[kMaxDims] = {};
  int32_t kst[kMaxDims] = {};
};
static_assert(sizeof(ArgReducePush) <= kPushBytes);

// One invocation per output walks the axis (the first extremum wins, as on the CPU).
void arg_reduce_vk(bool is_max, const Tensor& x, int64_t axis, const Tensor& out) {
  std::string module = "arg_reduce_" + typed_variant("arg_reduce", x.dtype());
  CADENZA_CHECK(x.shape()[axis] > 0, "vulkan arg_reduce: axis {} of {} is empty", axis, shape_str(x.shape()));
  Shape ks = x.shape(), kst = x.strides();
  ks.erase(ks.begin() + axis);
  kst.erase(kst.begin() + axis);
  with_dense_output(out, [&](const Tensor& o) {
    ArgReducePush p;
    p.n_out = u32("arg_reduce", numel(ks));
    p.len = u32("arg_reduce", x.shape()[axis]);
    p.kdim = fill_axes(ks, kst, p.kshape, p.kst);
    p.off = u32("arg_reduce", x.offset());
    p.out_off = u32("arg_reduce", o.offset());
    p.axis_stride = static_cast<int32_t>(x.strides()[axis]);
    run_flat(module, {is_max ? 1u : 0u}, &p, sizeof p, p.n_out, {{buffer_of(o), true}, {buffer_of(x), false}});
  });
}

const KernelRegistration registration([] {
  reduce_kernel.set_vulkan(&reduce_vk);
  arg_reduce_kernel.set_vulkan(&arg_reduce_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
