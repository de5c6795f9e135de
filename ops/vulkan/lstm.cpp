// The fused LSTM cell's pointwise part on the device (shaders/lstm.comp).
#include "ops/lstm.h"
#include "engine/vulkan/extension.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct LstmPush {
  uint32_t B, H;
  uint32_t off[6];
};

void lstm_pointwise_vk(const Tensor& gates, const Tensor& c, const Tensor& h_out, const Tensor& c_out) {
  require_f32("lstm_pointwise", gates);
  LstmPush p{u32("lstm_pointwise", c.size(0)),
             u32("lstm_pointwise", c.size(1)),
             {offset_of("lstm_pointwise", h_out), offset_of("lstm_pointwise", c_out),
              offset_of("lstm_pointwise", gates), offset_of("lstm_pointwise", c), 0, 0}};
  run_flat("lstm_forward", {}, &p, sizeof p, c.numel(),
           {{buffer_of(h_out), true}, {buffer_of(c_out), true}, {buffer_of(gates), false}, {buffer_of(c), false}});
}

void lstm_pointwise_backward_vk(const Tensor& gates, const Tensor& c, const Tensor& grad_h, const Tensor& grad_c,
                                const Tensor& grad_gates, const Tensor& grad_c_prev) {
  const char* k = "lstm_pointwise_backward";
  require_f32(k, gates);
  LstmPush p{u32(k, c.size(0)),
             u32(k, c.size(1)),
             {offset_of(k, grad_gates), offset_of(k, grad_c_prev), offset_of(k, gates), offset_of(k, c),
              offset_of(k, grad_h), offset_of(k, grad_c)}};
  run_flat("lstm_backward", {}, &p, sizeof p, c.numel(),
           {{buffer_of(grad_gates), true},
            {buffer_of(grad_c_prev), true},
            {buffer_of(gates), false},
            {buffer_of(c), false},
            {buffer_of(grad_h), false},
            {buffer_of(grad_c), false}});
}

const KernelRegistration registration([] {
  lstm_pointwise_kernel.set_vulkan(&lstm_pointwise_vk);
  lstm_pointwise_backward_kernel.set_vulkan(&lstm_pointwise_backward_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
