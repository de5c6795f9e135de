#pragma once
// Linear: y = x Wᵀ + b over the last axis of x, as torch.nn.Linear (weight [out, in]).
#include "engine/nn/module.h"
#include "engine/rng.h"

namespace cadenza::nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true,
         Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const;

  Tensor weight;  // [out, in]
  Tensor bias;    // [out], undefined without bias

 private:
  int64_t in_features_;
};

}  // namespace cadenza::nn
