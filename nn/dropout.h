#pragma once
// Dropout: in training, zeroes each element with probability p and scales the rest by
// 1/(1 − p) (inverted dropout, as torch.nn.Dropout); the identity in evaluation. Its mask
// comes from `gen` (default: the global generator), so a seeded run repeats exactly.
#include "engine/rng.h"
#include "nn/module.h"

namespace cadenza::nn {

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) const;
  double p() const { return p_; }

 private:
  double p_;
  Generator* gen_;
};

}  // namespace cadenza::nn
