#pragma once
// Normalisation layers as compositions of ops (mean, square, rsqrt, ...), so all orders of
// derivative work, with PyTorch's conventions.
#include "engine/tensor.h"

namespace cadenza {

// Normalises over the last normalized_shape.size() axes of x, whose sizes must equal
// normalized_shape; weight and bias (optional) have shape normalized_shape. Uses the
// biased (population) variance.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5);

// x [N, C, ...] normalised per channel (axis 1). In training, or without running stats,
// it uses the batch's mean and biased variance, and updates running_mean/running_var [C]
// in place (when given): r = (1 - momentum) r + momentum * batch statistic, with the
// unbiased variance for running_var (as PyTorch). In evaluation it uses the running stats.
// weight and bias [C] are optional.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum = 0.1, double eps = 1e-5);

}  // namespace cadenza
