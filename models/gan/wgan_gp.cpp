#include "models/gan/wgan_gp.h"

#include "engine/error.h"
#include "ops/autograd.h"
#include "ops/ops.h"

namespace cadenza::models::gan {

Tensor gradient_penalty(const Critic& critic, const Tensor& real, const Tensor& fake, const Tensor& eps) {
  CADENZA_CHECK(real.shape() == fake.shape() && eps.dim() == 1 && eps.size(0) == real.size(0),
                "gradient_penalty: real {}, fake {} and eps {} do not fit", shape_str(real.shape()),
                shape_str(fake.shape()), shape_str(eps.shape()));
  Shape bshape(size_t(real.dim()), 1);
  bshape[0] = real.size(0);
  Tensor e = reshape(eps, bshape);
  Tensor x = add(mul(e, real.detach()), mul(rsub(1.0, e), fake.detach())).detach();
  x.set_requires_grad(true);
  Tensor g = grad({sum(critic(x))}, {x}, {}, {.create_graph = true})[0];
  Tensor per = sqrt(sum(mul(flatten(g, 1), flatten(g, 1)), {1}));
  Tensor d = sub(per, 1.0);
  return mean(mul(d, d));
}

Tensor wgan_critic_loss(const Critic& critic, const Tensor& real, const Tensor& fake, const Tensor& eps,
                        double lambda) {
  Tensor w = sub(mean(critic(fake.detach())), mean(critic(real)));
  return add(w, mul(gradient_penalty(critic, real, fake, eps), lambda));
}

Tensor wgan_generator_loss(const Critic& critic, const Tensor& fake) { return neg(mean(critic(fake))); }

}  // namespace cadenza::models::gan
