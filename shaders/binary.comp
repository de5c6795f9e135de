#version 450
// out[i] = a[i] (op) b[i]; op is a cadenza::BinaryOp (BINARY_* from ops/op_enums.h,
// generated as op_enums.glsl) as a specialization constant. Operands 0 = a, 1 = b (strided, broadcast by stride 0); the
// output is dense. Comparisons give 1 or 0 in the inputs' type.
// variant f32: -DT=float -DFLOAT
// variant i32: -DT=int
// variant i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif
#include "elementwise.glsl"
#include "op_enums.glsl"
#ifdef FLOAT
#include "math.glsl"
#endif

layout(constant_id = 0) const uint OP = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer A { T av[]; };
layout(std430, binding = 2) readonly buffer B { T bv[]; };

T apply(T a, T b) {
  switch (OP) {
    case BINARY_ADD: return a + b;
    case BINARY_SUB: return a - b;
    case BINARY_MUL: return a * b;
#ifdef FLOAT
    case BINARY_DIV: return a / b;
    case BINARY_POW: return pow_(a, b);
#endif
    case BINARY_MAXIMUM: return a > b ? a : b;
    case BINARY_MINIMUM: return a < b ? a : b;
    case BINARY_EQ: return T(a == b);
    case BINARY_NE: return T(a != b);
    case BINARY_LT: return T(a < b);
    case BINARY_LE: return T(a <= b);
    case BINARY_GT: return T(a > b);
    case BINARY_GE: return T(a >= b);
  }
  return a;
}

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  y[pc.off[3] + i] = apply(av[o.x], bv[o.y]);
}
