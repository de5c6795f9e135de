#pragma once
// Elementwise functions of one tensor. Each is differentiable to any order: its backward
// is written with these same ops.
#include "engine/kernel.h"
#include "engine/tensor.h"
#include "ops/op_enums.h"

namespace cadenza {

// neg, exp, ... in the order of CADENZA_UNARY_OPS (ops/op_enums.h).
CADENZA_OP_ENUM(UnaryOp, CADENZA_UNARY_OPS)
struct UnaryParams {
  double a = 0, b = 0;  // leaky_relu: a = slope; clamp: [a, b]; pow_scalar: a = exponent
};

// out[i] = f(x[i]); `out` is contiguous with x's shape and dtype.
extern Kernel<void(UnaryOp, const Tensor& x, const Tensor& out, UnaryParams)> unary_kernel;

Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor sign(const Tensor& x);  // not differentiable: its gradient is zero almost everywhere
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double slope = 0.01);
Tensor gelu(const Tensor& x);  // exact (erf) form, as PyTorch's default
Tensor softplus(const Tensor& x);
Tensor clamp(const Tensor& x, double lo, double hi);
Tensor pow(const Tensor& x, double exponent);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor square(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor silu(const Tensor& x);  // x · sigmoid(x), PyTorch's F.silu

// Applies op without recording (the shared forward of all the above).
Tensor unary_forward(UnaryOp op, const Tensor& x, UnaryParams p = {});

}  // namespace cadenza
