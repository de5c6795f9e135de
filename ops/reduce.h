#pragma once
// Reductions over any set of axes (empty = all axes), with or without kept axes.
#include <vector>

#include "engine/kernel.h"
#include "engine/tensor.h"
#include "ops/op_enums.h"

namespace cadenza {

CADENZA_OP_ENUM(ReduceOp, CADENZA_REDUCE_OPS)  // sum, max, min (ops/op_enums.h)

// out (x's shape with reduced axes set to 1) = reduction of x over `axes` (sorted, unique).
extern Kernel<void(ReduceOp, const Tensor& x, const std::vector<int64_t>& axes, const Tensor& out)> reduce_kernel;
// out (i64, x's shape with `axis` set to 1) = index of the max (or min) along axis; first wins.
extern Kernel<void(bool is_max, const Tensor& x, int64_t axis, const Tensor& out)> arg_reduce_kernel;

using Axes = std::vector<int64_t>;

Tensor sum(const Tensor& x, Axes axes = {}, bool keepdim = false);
Tensor mean(const Tensor& x, Axes axes = {}, bool keepdim = false);
Tensor max(const Tensor& x, Axes axes = {}, bool keepdim = false);  // ties share the gradient
Tensor min(const Tensor& x, Axes axes = {}, bool keepdim = false);
Tensor logsumexp(const Tensor& x, Axes axes = {}, bool keepdim = false);
// Variance with Bessel-style correction (correction = 1: unbiased, 0: population).
Tensor var(const Tensor& x, Axes axes = {}, int64_t correction = 1, bool keepdim = false);
Tensor argmax(const Tensor& x, int64_t axis, bool keepdim = false);  // i64, not differentiable
Tensor argmin(const Tensor& x, int64_t axis, bool keepdim = false);

// Sums a broadcast gradient back to `shape` (the inverse of broadcasting).
Tensor sum_to(const Tensor& g, const Shape& shape);

}  // namespace cadenza
