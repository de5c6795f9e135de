#version 450
// out[i] = f(x[i]) for f32; f is vulkan's copy of cadenza::UnaryOp (ops/unary.h), chosen
// by a specialization constant so each op gets its own pipeline with no branching.
// Operand 0 is x (strided); the output is dense.
#extension GL_GOOGLE_include_directive : require
#include "elementwise.glsl"
#include "math.glsl"

layout(constant_id = 0) const uint OP = 0;

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer X { float xs[]; };

float apply(float x, float a, float b) {
  switch (OP) {
    case 0: return -x;                                  // neg
    case 1: return exp(x);                              // exp
    case 2: return log(x);                              // log
    case 3: return sqrt(x);                             // sqrt
    case 4: return 1.0 / sqrt(x);                       // rsqrt
    case 5: return abs(x);                              // abs
    case 6: return sign(x);                             // sign
    case 7: return tanh_(x);                            // tanh
    case 8: return sigmoid_(x);                         // sigmoid
    case 9: return x > 0.0 ? x : 0.0;                   // relu
    case 10: return x > 0.0 ? x : a * x;                // leaky_relu
    case 11: return 0.5 * x * (1.0 + erf_(x * 0.70710678118654752));  // gelu
    case 12: return x > 20.0 ? x : log1p_(exp(x));      // softplus
    case 13: return x < a ? a : (x > b ? b : x);        // clamp
    case 14: return pow_(x, a);                         // pow_scalar
    case 15: return sin(x);
    case 16: return cos(x);
    case 17: return erf_(x);
    case 18: return x * x;                              // square
    case 19: return 1.0 / x;                            // reciprocal
    case 20: return log1p_(x);
    case 21: return expm1_(x);
  }
  return x;
}

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  y[pc.off[3] + i] = apply(xs[o.x], pc.pa, pc.pb);
}
