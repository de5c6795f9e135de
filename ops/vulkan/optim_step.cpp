// The optimizers' fused updates on the device (shaders/optim_step.comp), with the scalars
// computed on the host exactly as the CPU kernels compute them.
#include <cmath>

#include "engine/vulkan/extension.h"
#include "ops/optim_step.h"
#include "ops/vulkan/kernels.h"

namespace cadenza::vulkan {
namespace {

struct OptimPush {
  uint32_t n, p_off, g_off, s0_off, s1_off, flags;
  float lr, wd, a, b, c, d, e, f, eps, decay;
};
static_assert(sizeof(OptimPush) <= kPushBytes);

void sgd_vk(const Tensor& param, const Tensor& grad, const Tensor& buf, SgdStepParams s) {
  require_f32("sgd_step", param);
  const bool momentum = buf.defined();
  const Tensor& state = momentum ? buf : param;  // bound but unused without momentum
  OptimPush p{};
  p.n = u32("sgd_step", param.numel());
  p.p_off = offset_of("sgd_step", param);
  p.g_off = offset_of("sgd_step", grad);
  p.s0_off = offset_of("sgd_step", state);
  p.flags = (s.weight_decay != 0 ? 1u : 0u) | (momentum ? 2u : 0u) | (s.nesterov ? 4u : 0u) | (s.first ? 8u : 0u);
  p.lr = static_cast<float>(s.lr);
  p.wd = static_cast<float>(s.weight_decay);
  p.a = static_cast<float>(s.momentum);
  p.b = static_cast<float>(1 - s.dampening);
  run_flat("optim_step_sgd", {}, &p, sizeof p, param.numel(),
           {{buffer_of(param), true}, {buffer_of(grad), false}, {buffer_of(state), true}});
}

void adam_vk(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
             AdamStepParams s) {
  require_f32("adam_step", param);
  const double t = static_cast<double>(s.step);
  OptimPush p{};
  p.n = u32("adam_step", param.numel());
  p.p_off = offset_of("adam_step", param);
  p.g_off = offset_of("adam_step", grad);
  p.s0_off = offset_of("adam_step", exp_avg);
  p.s1_off = offset_of("adam_step", exp_avg_sq);
  p.flags = (s.weight_decay != 0 ? 1u : 0u) | (s.decoupled ? 2u : 0u);
  p.wd = static_cast<float>(s.weight_decay);
  p.a = static_cast<float>(s.beta1);
  p.b = static_cast<float>(s.beta2);
  p.c = static_cast<float>(1 - s.beta1);  // 1 - beta in double, as the CPU kernel does
  p.d = static_cast<float>(1 - s.beta2);
  p.e = static_cast<float>(s.lr / (1 - std::pow(s.beta1, t)));
  p.f = static_cast<float>(std::sqrt(1 - std::pow(s.beta2, t)));
  p.eps = static_cast<float>(s.eps);
  p.decay = static_cast<float>(1 - s.lr * s.weight_decay);
  run_flat(
      "optim_step_adam", {}, &p, sizeof p, param.numel(),
      {{buffer_of(param), true}, {buffer_of(grad), false}, {buffer_of(exp_avg), true}, {buffer_of(exp_avg_sq), true}});
}

const KernelRegistration registration([] {
  sgd_step_kernel.set_vulkan(&sgd_vk);
  adam_step_kernel.set_vulkan(&adam_vk);
});

}  // namespace
}  // namespace cadenza::vulkan
