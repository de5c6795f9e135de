// softmax and log_softmax on the device (shaders/softmax.comp).
#include "ops/softmax.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct SoftmaxPush {
  uint32_t rows, n, inner, x_off, y_off;
};

void softmax_vk(bool log, const Tensor& x, int64_t axis, const Tensor& out) {
  require_f32("softmax", x);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
  for (int64_t d = axis + 1; d < x.dim(); ++d) inner *= x.shape()[d];
  SoftmaxPush p{u32("softmax", outer * inner), u32("softmax", x.shape()[axis]), u32("softmax", inner),
                offset_of("softmax", x), offset_of("softmax", out)};
  if (p.rows == 0 || p.n == 0) return;
  // A workgroup per row wastes its threads on a short row: then one thread each.
  const bool per_thread = p.n <= 64;
  auto [gx, gy] = grid("softmax", per_thread ? div_up(p.rows, group_size()) : p.rows);
  stream().dispatch(pipeline("softmax", {log ? 1u : 0u, per_thread ? 1u : 0u}),
                    {{buffer_of(out), true}, {buffer_of(x), false}}, &p, sizeof p, gx, gy);
}

const KernelRegistration registration([] { softmax_kernel.set_vulkan(&softmax_vk); });

}  // namespace
}  // namespace cadenza::vulkan
