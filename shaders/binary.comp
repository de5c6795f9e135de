#version 450
// out[i] = a[i] (op) b[i]; op is vulkan's copy of cadenza::BinaryOp (ops/binary.h) as a
// specialization constant. Operands 0 = a, 1 = b (strided, broadcast by stride 0); the
// output is dense. Comparisons give 1 or 0 in the inputs' type.
// variant f32: -DT=float -DFLOAT
// variant i32: -DT=int
// variant i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif
#include "elementwise.glsl"
#ifdef FLOAT
#include "math.glsl"
#endif

layout(constant_id = 0) const uint OP = 0;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer A { T av[]; };
layout(std430, binding = 2) readonly buffer B { T bv[]; };

T apply(T a, T b) {
  switch (OP) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
#ifdef FLOAT
    case 3: return a / b;
    case 4: return pow_(a, b);
#endif
    case 5: return a > b ? a : b;  // maximum
    case 6: return a < b ? a : b;  // minimum
    case 7: return T(a == b);
    case 8: return T(a != b);
    case 9: return T(a < b);
    case 10: return T(a <= b);
    case 11: return T(a > b);
    case 12: return T(a >= b);
  }
  return a;
}

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  y[pc.off[3] + i] = apply(av[o.x], bv[o.y]);
}
