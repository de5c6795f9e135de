#pragma once
// Elementwise functions of two tensors with NumPy broadcasting, their scalar forms, the
// comparisons (which return 0/1 in the inputs' dtype) and where().
#include "engine/kernel.h"
#include "engine/tensor.h"
#include "ops/op_enums.h"

namespace cadenza {

// add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge (ops/op_enums.h).
CADENZA_OP_ENUM(BinaryOp, CADENZA_BINARY_OPS)

// out = a (op) b; a and b are already broadcast (as strided views) to out's shape.
extern Kernel<void(BinaryOp, const Tensor& a, const Tensor& b, const Tensor& out)> binary_kernel;
// out = cond != 0 ? a : b; all three already broadcast to out's shape.
extern Kernel<void(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out)> where_kernel;

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);

// Scalar forms (the scalar takes the tensor's dtype and device).
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor rsub(double a, const Tensor& b);  // a - b
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);
Tensor rdiv(double a, const Tensor& b);  // a / b

// Comparisons: not differentiable; 1 where true, 0 where false, in the inputs' dtype.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor gt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);

// cond (any dtype, nonzero = true) ? a : b, broadcasting all three.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

// A one-element tensor holding `v` in t's dtype on t's device.
Tensor scalar_like(const Tensor& t, double v);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, double b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, double b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, double b) { return div(a, b); }
inline Tensor operator+(double a, const Tensor& b) { return add(b, a); }
inline Tensor operator-(double a, const Tensor& b) { return rsub(a, b); }
inline Tensor operator*(double a, const Tensor& b) { return mul(b, a); }
inline Tensor operator/(double a, const Tensor& b) { return rdiv(a, b); }
Tensor operator-(const Tensor& a);

}  // namespace cadenza
