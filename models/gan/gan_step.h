#pragma once
// MuseGAN's training step (the trainer's TrainStep, models/train_step.h): `critic_steps`
// (5) critic updates, each on the next real batch, then one generator update, with two
// Adam optimisers (WGAN-GP's β1 0.5, β2 0.9 come from the preset's TrainOptions). No
// gradient clipping: the gradient penalty keeps the critic Lipschitz. The loss reported
// to the trainer is the last critic loss (its negative, penalty aside, is the critic's
// Wasserstein estimate); both are kept in last().
#include "models/gan/musegan.h"
#include "models/train_step.h"
#include "optim/adam.h"

namespace cadenza::models {

class GanStep final : public TrainStep {
 public:
  // gen: the noise source (null: the default generator, whose state checkpoints keep).
  GanStep(MuseGan& model, const TrainOptions& o, Generator* gen = nullptr);
  // One rank only: data-parallel MuseGAN is not implemented (it throws for more).
  Result run(const std::function<Batch()>& next_batch, double lr, DataParallel& ranks, bool stop_requested) override;
  optim::NamedOptimizers optimizers() override { return {{"generator", &g_opt_}, {"critic", &d_opt_}}; }

  struct Losses {
    double critic = 0, generator = 0;  // the last critic loss, the generator loss
  };
  const Losses& last() const { return last_; }

 private:
  MuseGan& model_;
  Generator* gen_;
  optim::Adam g_opt_, d_opt_;
  Losses last_;
};

}  // namespace cadenza::models
