// copy, unary, binary and where on the device (shaders/copy.comp, unary.comp, binary.comp,
// where.comp).
#include "engine/vulkan/kernels/kernels.h"
#include "engine/vulkan/pipelines.h"
#include "ops/binary.h"
#include "ops/unary.h"

namespace cadenza::vulkan {
namespace {

// Same-size copies move raw words; conversions have a shader per (source, destination).
std::string copy_module(DType src, DType dst) {
  if (src == dst) return dtype_size(dst) == 4 ? "copy_b32" : "copy_b64";
  std::string name = fmt::format("copy_{}_{}", dtype_name(src), dtype_name(dst));
  CADENZA_CHECK(has_module(name), "vulkan copy: no device conversion from {} to {}", dtype_name(src),
                dtype_name(dst));
  require_dtype("copy", src);
  require_dtype("copy", dst);
  return name;
}

void copy_vk(const Tensor& src, const Tensor& dst) {
  ElementwisePush p = elementwise_push("copy", dst.shape(), {dst, src});
  run_elementwise(copy_module(src.dtype(), dst.dtype()), {}, p, {{buffer_of(dst), true}, {buffer_of(src), false}});
}

void unary_vk(UnaryOp op, const Tensor& x, const Tensor& out, UnaryParams params) {
  CADENZA_CHECK(x.dtype() == DType::f32, "vulkan unary: {} tensors are not supported on the device (f32 only)",
                dtype_name(x.dtype()));
  dispatch_elementwise("unary", "unary", {static_cast<uint32_t>(op)}, out, {x}, static_cast<float>(params.a),
                       static_cast<float>(params.b));
}

void binary_vk(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_elementwise("binary", "binary_" + typed_variant("binary", a.dtype()), {static_cast<uint32_t>(op)}, out,
                       {a, b});
}

void where_vk(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  std::vector<uint32_t> spec{static_cast<uint32_t>(dtype_size(a.dtype()) / 4),
                             static_cast<uint32_t>(dtype_size(cond.dtype()) / 4), is_floating(cond.dtype()) ? 1u : 0u};
  dispatch_elementwise("where", "where", spec, out, {cond, a, b});
}

}  // namespace

void register_elementwise_kernels() {
  copy_kernel.set_vulkan(&copy_vk);
  unary_kernel.set_vulkan(&unary_vk);
  binary_kernel.set_vulkan(&binary_vk);
  where_kernel.set_vulkan(&where_vk);
}

}  // namespace cadenza::vulkan
