#pragma once
// One MuseGAN training step: `critic_steps` (5) critic updates, each on the next real
// batch, then one generator update, with two Adam optimisers (WGAN-GP's β1 0.5, β2 0.9).
#include <functional>

#include "engine/optim/adam.h"
#include "models/gan/musegan.h"

namespace cadenza::models {

class GanStep {
 public:
  GanStep(MuseGan& model, double lr, double beta1 = 0.5, double beta2 = 0.9);
  struct Losses {
    double critic = 0, generator = 0;  // the last critic loss, the generator loss
  };
  // next_real() returns a batch of real bars [B, tracks, bars, steps, pitches].
  Losses step(const std::function<Tensor()>& next_real, Generator* gen = nullptr);

 private:
  MuseGan& model_;
  optim::Adam g_opt_, d_opt_;
};

}  // namespace cadenza::models
