#pragma once
// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), step for step as
// torch.optim.Adam / AdamW (amsgrad off): Adam adds wd·p to the gradient, AdamW scales p by
// (1 − lr·wd) first; then m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
// p −= lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + eps).
#include "optim/optimizer.h"

namespace cadenza::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;  // AdamW's default is 1e-2
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions opts);

 protected:
  void update(size_t i, const Tensor& param, const Tensor& grad) override;
  virtual bool decoupled() const { return false; }

 private:
  AdamOptions opts_;
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, AdamOptions opts) : Adam(std::move(params), opts) {}

 protected:
  bool decoupled() const override { return true; }
};

}  // namespace cadenza::optim
