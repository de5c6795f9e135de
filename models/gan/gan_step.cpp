#include "models/gan/gan_step.h"

#include "ops/autograd.h"

namespace cadenza::models {

GanStep::GanStep(MuseGan& model, double lr, double beta1, double beta2)
    : model_(model),
      g_opt_(model.generator_parameters(), {.lr = lr, .beta1 = beta1, .beta2 = beta2}),
      d_opt_(model.critic_parameters(), {.lr = lr, .beta1 = beta1, .beta2 = beta2}) {}

GanStep::Losses GanStep::step(const std::function<Tensor()>& next_real, Generator* gen) {
  Losses out;
  int64_t B = 0;
  for (int64_t i = 0; i < model_.gan_config().critic_steps; ++i) {
    Tensor real = next_real();
    B = real.size(0);
    d_opt_.zero_grad();
    Tensor l = model_.critic_loss(real, gen);
    backward(l);
    d_opt_.step();
    out.critic = l.item<double>();
  }
  g_opt_.zero_grad();
  Tensor l = model_.generator_loss(B, gen);
  backward(l);
  g_opt_.step();  // the critic's gradients from this pass are cleared before its next update
  out.generator = l.item<double>();
  return out;
}

}  // namespace cadenza::models
