#pragma once
// Example of a new layer built from existing ops: the gated linear unit
// (Dauphin et al. 2017), GLU(x) = (x W_a + b_a) * sigmoid(x W_b + b_b). Nothing here needs
// a backward: every op it calls has one.
#include <memory>

#include "nn/linear.h"
#include "nn/module.h"

namespace cadenza::example {

class GLU : public nn::Module {
 public:
  GLU(int64_t in_features, int64_t out_features, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const;

 private:
  std::shared_ptr<nn::Linear> value_, gate_;
};

}  // namespace cadenza::example
