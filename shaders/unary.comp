#version 450
// out[i] = f(x[i]) for f32; f is a cadenza::UnaryOp, chosen by a specialization constant so
// each op gets its own pipeline with no branching. UNARY_* come from ops/op_enums.h
// (op_enums.glsl, generated at build time).
// Operand 0 is x (strided); the output is dense.
#extension GL_GOOGLE_include_directive : require
#include "elementwise.glsl"
#include "math.glsl"
#include "op_enums.glsl"

layout(constant_id = 0) const uint OP = 0;

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer X { float xs[]; };

float apply(float x, float a, float b) {
  switch (OP) {
    case UNARY_NEG: return -x;
    case UNARY_EXP: return exp(x);
    case UNARY_LOG: return log(x);
    case UNARY_SQRT: return sqrt(x);
    case UNARY_RSQRT: return 1.0 / sqrt(x);
    case UNARY_ABS: return abs(x);
    case UNARY_SIGN: return sign(x);
    case UNARY_TANH: return tanh_(x);
    case UNARY_SIGMOID: return sigmoid_(x);
    case UNARY_RELU: return x > 0.0 ? x : 0.0;
    case UNARY_LEAKY_RELU: return x > 0.0 ? x : a * x;
    case UNARY_GELU: return 0.5 * x * (1.0 + erf_(x * 0.70710678118654752));
    case UNARY_SOFTPLUS: return x > 20.0 ? x : log1p_(exp(x));
    case UNARY_CLAMP: return x < a ? a : (x > b ? b : x);
    case UNARY_POW_SCALAR: return pow_(x, a);
    case UNARY_SIN: return sin(x);
    case UNARY_COS: return cos(x);
    case UNARY_ERF: return erf_(x);
    case UNARY_SQUARE: return x * x;
    case UNARY_RECIPROCAL: return 1.0 / x;
    case UNARY_LOG1P: return log1p_(x);
    case UNARY_EXPM1: return expm1_(x);
    case UNARY_SILU: return x * sigmoid_(x);
  }
  // An op without a case here: NaN, which the registry's device-vs-CPU test reports.
  return uintBitsToFloat(0x7fc00000u);
}

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  y[pc.off[3] + i] = apply(xs[o.x], pc.pa, pc.pb);
}
