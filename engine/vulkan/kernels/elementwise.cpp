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
  with_dense_output(out, [&](const Tensor& o) {
    ElementwisePush p = elementwise_push("unary", o.shape(), {x});
    p.a = static_cast<float>(params.a);
    p.b = static_cast<float>(params.b);
    p.off[3] = u32("unary", o.offset());
    run_elementwise("unary", {static_cast<uint32_t>(op)}, p, {{buffer_of(o), true}, {buffer_of(x), false}});
  });
}

void binary_vk(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  std::string module = "binary_" + typed_variant("binary", a.dtype());
  with_dense_output(out, [&](const Tensor& o) {
    ElementwisePush p = elementwise_push("binary", o.shape(), {a, b});
    p.off[3] = u32("binary", o.offset());
    run_elementwise(module, {static_cast<uint32_t>(op)}, p,
                    {{buffer_of(o), true}, {buffer_of(a), false}, {buffer_of(b), false}});
  });
}

void where_vk(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  with_dense_output(out, [&](const Tensor& o) {
    ElementwisePush p = elementwise_push("where", o.shape(), {cond, a, b});
    p.off[3] = u32("where", o.offset());
    std::vector<uint32_t> spec{static_cast<uint32_t>(dtype_size(a.dtype()) / 4),
                               static_cast<uint32_t>(dtype_size(cond.dtype()) / 4),
                               is_floating(cond.dtype()) ? 1u : 0u};
    run_elementwise("where", spec, p,
                    {{buffer_of(o), true}, {buffer_of(cond), false}, {buffer_of(a), false}, {buffer_of(b), false}});
  });
}

}  // namespace

void register_elementwise_kernels() {
  copy_kernel.set_vulkan(&copy_vk);
  unary_kernel.set_vulkan(&unary_vk);
  binary_kernel.set_vulkan(&binary_vk);
  where_kernel.set_vulkan(&where_vk);
}

}  // namespace cadenza::vulkan
