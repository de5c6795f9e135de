#pragma once
// WGAN-GP (Gulrajani et al. 2017), the objective MuseGAN trains with:
//   critic loss    = mean D(fake) − mean D(real) + λ · mean_b (‖∇x̂ D(x̂_b)‖₂ − 1)²,
//                    x̂ = ε real + (1 − ε) fake, ε ~ U[0, 1) per example
//   generator loss = −mean D(G(z))
// The penalty's input gradient is taken with create_graph, so the penalty itself is
// differentiable with respect to the critic's parameters (second-order autodiff).
#include <functional>

#include "engine/tensor.h"

namespace cadenza::models::gan {

using Critic = std::function<Tensor(const Tensor&)>;  // [B, ...] -> scores [B]

// real, fake [B, ...] (fake is treated as a constant); eps [B] in [0, 1].
Tensor gradient_penalty(const Critic& critic, const Tensor& real, const Tensor& fake, const Tensor& eps);
// lambda: the penalty weight (10 in the paper and in MuseGAN); eps as above.
Tensor wgan_critic_loss(const Critic& critic, const Tensor& real, const Tensor& fake, const Tensor& eps, double lambda);
Tensor wgan_generator_loss(const Critic& critic, const Tensor& fake);

}  // namespace cadenza::models::gan
