// softmax and the fused LSTM cell on the device (shaders/softmax.comp, lstm.comp).
#include "engine/vulkan/kernels/kernels.h"
#include "ops/lstm.h"
#include "ops/softmax.h"

namespace cadenza::vulkan {
namespace {

void require_f32(const char* kernel, const Tensor& t) {
  CADENZA_CHECK(t.dtype() == DType::f32, "vulkan {}: {} tensors are not supported on the device (f32 only)", kernel,
                dtype_name(t.dtype()));
}

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

struct LstmPush {
  uint32_t B, H;
  uint32_t off[6];
};

void lstm_pointwise_vk(const Tensor& gates, const Tensor& c, const Tensor& h_out, const Tensor& c_out) {
  require_f32("lstm_pointwise", gates);
  LstmPush p{u32("lstm_pointwise", c.size(0)), u32("lstm_pointwise", c.size(1)),
             {offset_of("lstm_pointwise", h_out), offset_of("lstm_pointwise", c_out),
              offset_of("lstm_pointwise", gates), offset_of("lstm_pointwise", c), 0, 0}};
  run_flat("lstm_forward", {}, &p, sizeof p, c.numel(),
           {{buffer_of(h_out), true}, {buffer_of(c_out), true}, {buffer_of(gates), false}, {buffer_of(c), false}});
}

void lstm_pointwise_backward_vk(const Tensor& gates, const Tensor& c, const Tensor& grad_h, const Tensor& grad_c,
                                const Tensor& grad_gates, const Tensor& grad_c_prev) {
  const char* k = "lstm_pointwise_backward";
  require_f32(k, gates);
  LstmPush p{u32(k, c.size(0)), u32(k, c.size(1)),
             {offset_of(k, grad_gates), offset_of(k, grad_c_prev), offset_of(k, gates), offset_of(k, c),
              offset_of(k, grad_h), offset_of(k, grad_c)}};
  run_flat("lstm_backward", {}, &p, sizeof p, c.numel(),
           {{buffer_of(grad_gates), true}, {buffer_of(grad_c_prev), true}, {buffer_of(gates), false},
            {buffer_of(c), false}, {buffer_of(grad_h), false}, {buffer_of(grad_c), false}});
}

}  // namespace

void register_nn_kernels() {
  softmax_kernel.set_vulkan(&softmax_vk);
  lstm_pointwise_kernel.set_vulkan(&lstm_pointwise_vk);
  lstm_pointwise_backward_kernel.set_vulkan(&lstm_pointwise_backward_vk);
}

}  // namespace cadenza::vulkan
