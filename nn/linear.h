#pragma once
// Linear: y = x Wᵀ + b over the last axis of x, as torch.nn.Linear (weight [out, in]).
#include "engine/rng.h"
#include "nn/module.h"
#include "nn/precision.h"
#include "ops/half_matmul.h"

namespace cadenza::nn {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const;
  // f16 inference weights (nn/precision.h): forward() reads them when it records no
  // gradient and x is f32 on their device. f32 drops them; Linear has no bf16 path.
  void quantize_for_inference(WeightPrecision p);
  WeightPrecision inference_precision() const { return half_.defined() ? WeightPrecision::f16 : WeightPrecision::f32; }

  Tensor weight;  // [out, in]
  Tensor bias;    // [out], undefined without bias

 private:
  int64_t in_features_;
  HalfMatrix half_;  // the f16 snapshot of weight, or empty
};

}  // namespace cadenza::nn
