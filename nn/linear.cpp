#include "nn/linear.h"

#include "engine/autograd.h"
#include "nn/init.h"
#include "ops/binary.h"
#include "ops/matmul.h"

namespace cadenza::nn {

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias, Generator& gen) : in_features_(in_features) {
  weight = register_parameter("weight", Tensor::empty({out_features, in_features}));
  if (with_bias) bias = register_parameter("bias", Tensor::empty({out_features}));
  init::linear_default_(weight, bias, gen);
}

Tensor Linear::forward(const Tensor& x) const {
  CADENZA_CHECK(x.dim() >= 1 && x.size(-1) == in_features_, "Linear: input {} does not end in in_features = {}",
                shape_str(x.shape()), in_features_);
  // The transpose flag hands Wᵀ to BLAS without a copy.
  Tensor y = reads_half(half_, x) ? matmul_half(x, half_) : matmul(x, weight, false, true);
  return bias.defined() ? add(y, bias) : y;
}

void Linear::quantize_for_inference(WeightPrecision p) {
  CADENZA_CHECK(p != WeightPrecision::bf16, "Linear: no bf16 inference path (f16 or f32)");
  half_ = p == WeightPrecision::f16 ? to_half(weight) : HalfMatrix{};
}

}  // namespace cadenza::nn
