// affine's Vulkan kernel: the shader affine.comp, registered by cadenza_add_shaders.
#include "affine.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

using namespace cadenza;

namespace {

void affine_vk(const Tensor& x, const Tensor& out, double a, double b) {
  vulkan::dispatch_elementwise("affine", "affine", {}, out, {x}, static_cast<float>(a), static_cast<float>(b));
}

const vulkan::KernelRegistration affine_vulkan([] { affine_kernel.set_vulkan(&affine_vk); });

}  // namespace
