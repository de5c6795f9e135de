// binary elementwise ops and where on the device (shaders/binary.comp, where.comp).
#include "ops/binary.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {
void binary_vk(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out) {
  dispatch_elementwise("binary", "binary_" + typed_variant("binary", a.dtype()), {static_cast<uint32_t>(op)}, out,
                       {a, b});
}

void where_vk(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  std::vector<uint32_t> spec{static_cast<uint32_t>(dtype_size(a.dtype()) / 4),
                             static_cast<uint32_t>(dtype_size(cond.dtype()) / 4), is_floating(cond.dtype()) ? 1u : 0u};
  dispatch_elementwise("where", "where", spec, out, {cond, a, b});
}

const KernelRegistration registration([] {
  binary_kernel.set_vulkan(&binary_vk);
  where_kernel.set_vulkan(&where_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
