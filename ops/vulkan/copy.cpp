// copy on the device (shaders/copy.comp): raw words between equal dtypes, a shader per
// (source, destination) pair for conversions.
#include <fmt/format.h>

#include "engine/vulkan/extension.h"
#include "engine/vulkan/pipelines.h"
#include "ops/copy.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

// Same-size copies move raw words; conversions have a shader per (source, destination).
std::string copy_module(DType src, DType dst) {
  if (src == dst) return dtype_size(dst) == 4 ? "copy_b32" : "copy_b64";
  std::string name = fmt::format("copy_{}_{}", dtype_name(src), dtype_name(dst));
  CADENZA_CHECK(has_module(name), "vulkan copy: no device conversion from {} to {}", dtype_name(src), dtype_name(dst));
  require_dtype("copy", src);
  require_dtype("copy", dst);
  return name;
}

void copy_vk(const Tensor& src, const Tensor& dst) {
  ElementwisePush p = elementwise_push("copy", dst.shape(), {dst, src});
  run_elementwise(copy_module(src.dtype(), dst.dtype()), {}, p, {{buffer_of(dst), true}, {buffer_of(src), false}});
}

const KernelRegistration registration([] { copy_kernel.set_vulkan(&copy_vk); });

}  // namespace
}  // namespace cadenza::vulkan
