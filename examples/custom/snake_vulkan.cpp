// The Vulkan kernel of the snake op (examples/custom/snake.h): the shader snake.comp,
// compiled and registered by cadenza_add_shaders (examples/custom/CMakeLists.txt), run by
// the same helper as the built-in elementwise kernels.
#include "engine/vulkan/extension.h"
#include "examples/custom/snake.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::example {
namespace {

void snake_vk(const Tensor& x, const Tensor& out, double alpha) {
  CADENZA_CHECK(x.dtype() == DType::f32, "vulkan snake: {} tensors are not supported on the device (f32 only)",
                dtype_name(x.dtype()));
  vulkan::dispatch_elementwise("snake", "snake", {}, out, {x}, static_cast<float>(alpha));
}

// Filled when the backend starts, after the built-in kernels.
const vulkan::KernelRegistration snake_vulkan([] { snake_kernel.set_vulkan(&snake_vk); });

}  // namespace
}  // namespace cadenza::example
