#pragma once
// SGD with momentum, dampening, Nesterov momentum and L2 weight decay, step for step as
// torch.optim.SGD: d = g + wd·p; buf = d on the first step, else momentum·buf + (1 −
// dampening)·d; d = nesterov ? d + momentum·buf : buf; p −= lr·d.
#include "optim/optimizer.h"

namespace cadenza::optim {

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SgdOptions opts);

 protected:
  void update(size_t i, const Tensor& param, const Tensor& grad) override;

 private:
  SgdOptions opts_;
};

}  // namespace cadenza::optim
