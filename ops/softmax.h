#pragma once
// softmax and log_softmax along one axis: a fused, numerically stable kernel (subtract the
// row max, one pass for the sum of exponentials, one to write), parallel over rows. The
// backward passes are written with ops from the saved output, so every order works.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// out = softmax (or log_softmax when `log`) of x along `axis`. x and out are contiguous
// with the same shape. A row that is entirely -inf (a fully masked attention row) gives
// all zeros for softmax and all -inf for log_softmax, instead of NaN.
extern Kernel<void(bool log, const Tensor& x, int64_t axis, const Tensor& out)> softmax_kernel;

Tensor softmax(const Tensor& x, int64_t axis = -1);
Tensor log_softmax(const Tensor& x, int64_t axis = -1);

}  // namespace cadenza
