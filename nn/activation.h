#pragma once
// Activation modules (stateless wrappers of the elementwise ops), for use inside
// containers; the functional forms cadenza::relu etc. are the same computation.
#include "nn/module.h"

namespace cadenza::nn {

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) const;
};

class GELU : public Module {  // exact erf form, torch.nn.GELU()
 public:
  Tensor forward(const Tensor& x) const;
};

class Tanh : public Module {
 public:
  Tensor forward(const Tensor& x) const;
};

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& x) const;
};

class Softplus : public Module {
 public:
  Tensor forward(const Tensor& x) const;
};

class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : slope_(negative_slope) {}
  Tensor forward(const Tensor& x) const;

 private:
  double slope_;
};

}  // namespace cadenza::nn
