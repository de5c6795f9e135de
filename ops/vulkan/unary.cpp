// unary elementwise ops on the device (shaders/unary.comp, one specialization per op).
#include "ops/unary.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {
void unary_vk(UnaryOp op, const Tensor& x, const Tensor& out, UnaryParams params) {
  require_f32("unary", x);
  dispatch_elementwise("unary", "unary", {static_cast<uint32_t>(op)}, out, {x}, static_cast<float>(params.a),
                       static_cast<float>(params.b));
}

const KernelRegistration registration([] { unary_kernel.set_vulkan(&unary_vk); });

}  // namespace
}  // namespace cadenza::vulkan
