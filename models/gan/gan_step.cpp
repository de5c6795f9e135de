#include "models/gan/gan_step.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"
#include "ops/autograd.h"

namespace cadenza::models {

namespace {
optim::AdamOptions adam_options(const TrainOptions& o) {
  return {.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .weight_decay = o.weight_decay};
}
}  // namespace

GanStep::GanStep(MuseGan& model, const TrainOptions& o, Generator* gen)
    : model_(model),
      gen_(gen),
      g_opt_(model.generator_parameters(), adam_options(o)),
      d_opt_(model.critic_parameters(), adam_options(o)) {}

TrainStep::Result GanStep::run(const std::function<Batch()>& next_batch, double lr, DataParallel& ranks,
                               bool stop_requested) {
  CADENZA_CHECK(ranks.size() == 1, "musegan: data-parallel training is not supported ({} ranks)", ranks.size());
  g_opt_.set_lr(lr);
  d_opt_.set_lr(lr);
  Result out;
  out.stop = stop_requested;
  auto finite = [&](const char* what, double v) {
    if (!std::isfinite(v)) out.diverged = fmt::format("the {} loss is {}", what, v);
    return out.diverged.empty();
  };
  int64_t B = 0;
  for (int64_t i = 0; i < model_.gan_config().critic_steps; ++i) {
    const Tensor real = next_batch().inputs;
    B = real.size(0);
    out.steps += double(B);
    d_opt_.zero_grad();
    Tensor l = model_.critic_loss(real, gen_);
    last_.critic = out.loss = l.item<double>();
    if (!finite("critic", out.loss)) return out;
    backward(l);
    d_opt_.step();
  }
  g_opt_.zero_grad();
  Tensor l = model_.generator_loss(B, gen_);
  last_.generator = l.item<double>();
  if (!finite("generator", last_.generator)) return out;
  backward(l);
  g_opt_.step();  // the critic's gradients from this pass are cleared before its next update
  return out;
}

std::unique_ptr<TrainStep> MuseGan::make_train_step(const TrainOptions& o) {
  CADENZA_CHECK(o.optimizer == "adam", "musegan trains with Adam only, not optimizer '{}'", o.optimizer);
  return std::make_unique<GanStep>(*this, o);
}

}  // namespace cadenza::models
