#version 450
// argmax / argmin along one axis (ops/reduce.h): one invocation per output, walking the
// axis; the first extremum wins (strict comparison), as on the CPU. The i64 result is
// written as two 32-bit words, so the output needs no shaderInt64.
// variant f32: -DT=float
// variant i32: -DT=int
// variant i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif

#include "group.glsl"
layout(constant_id = 0) const bool IS_MAX = true;

layout(push_constant) uniform Push {
  uint n_out, len, kdim, off, out_off;
  int axis_stride;
  uint kshape[6];
  int kst[6];
} pc;

layout(std430, binding = 0) writeonly buffer Out { uint outw[]; };
layout(std430, binding = 1) readonly buffer X { T xs[]; };

void main() {
  uint o = flat_id();
  if (o >= pc.n_out) return;
  int base = int(pc.off);
  uint i = o;
  for (int d = int(pc.kdim) - 1; d >= 0; --d) {
    base += int(i % pc.kshape[d]) * pc.kst[d];
    i /= pc.kshape[d];
  }
  T best = xs[base];
  uint best_k = 0u;
  for (uint k = 1u; k < pc.len; ++k) {
    T v = xs[base + int(k) * pc.axis_stride];
    if (IS_MAX ? v > best : v < best) {
      best = v;
      best_k = k;
    }
  }
  outw[2u * (pc.out_off + o)] = best_k;
  outw[2u * (pc.out_off + o) + 1u] = 0u;
}
