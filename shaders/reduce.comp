#version 450
// out[o] = reduction of x over the reduced axes, one workgroup per output element: each
// thread folds a strided share of the reduced elements, then a tree in shared memory
// halves the workgroup's partials (group.glsl: a power of two) down to one. With PER_THREAD (short reductions, many outputs)
// each invocation folds one output alone instead. OP is a cadenza::ReduceOp (REDUCE_*
// from ops/op_enums.h, generated as op_enums.glsl); max and min propagate NaN like the CPU kernel.
// variant f32: -DT=float -DFLOAT
// variant i32: -DT=int
// variant i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif

#include "group.glsl"
#include "op_enums.glsl"
layout(constant_id = 0) const uint OP = 0;
layout(constant_id = 1) const bool PER_THREAD = false;

layout(push_constant) uniform Push {
  uint n_out;
  uint n_red;
  uint kdim;  // kept axes (one output element per index)
  uint rdim;  // reduced axes
  uint off;   // x's element offset
  uint out_off;
  uint parts;     // workgroups per output (a long reduction is split, then reduced again)
  uint part_len;  // reduced elements per workgroup
  uint kshape[6];
  int kst[6];
  uint rshape[6];
  int rst[6];
} pc;

layout(std430, binding = 0) writeonly buffer Out { T y[]; };
layout(std430, binding = 1) readonly buffer X { T xs[]; };

shared T partial[gl_WorkGroupSize.x];

int offset_of(uint i, uint nd, bool kept) {
  int o = 0;
  for (int d = int(nd) - 1; d >= 0; --d) {
    uint s = kept ? pc.kshape[d] : pc.rshape[d];
    o += int(i % s) * (kept ? pc.kst[d] : pc.rst[d]);
    i /= s;
  }
  return o;
}

bool is_nan(T v) {
#ifdef FLOAT
  return isnan(v);
#else
  return false;
#endif
}

T combine(T a, T b) {
  if (OP == REDUCE_SUM) return a + b;
  if (OP == REDUCE_MAX) return (b > a || is_nan(b)) ? b : a;
  return (b < a || is_nan(b)) ? b : a;
}

// The fold's starting value: 0, or the type's extreme (infinite for floats).
T identity() {
#ifdef FLOAT
  T high = uintBitsToFloat(0x7f800000u);
  T low = -high;
#elif defined(INT64)
  T high = 0x7fffffffffffffffl;
  T low = -high - 1l;
#else
  T high = 0x7fffffff;
  T low = -high - 1;
#endif
  return OP == REDUCE_SUM ? T(0) : (OP == REDUCE_MAX ? low : high);
}

void main() {
  uint wg = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (PER_THREAD) {
    uint o = flat_id();
    if (o >= pc.n_out) return;
    int base = int(pc.off) + offset_of(o, pc.kdim, true);
    T acc = identity();
    for (uint r = 0u; r < pc.n_red; ++r) acc = combine(acc, xs[base + offset_of(r, pc.rdim, false)]);
    y[pc.out_off + o] = acc;
    return;
  }
  // Workgroup wg folds part (wg % parts) of output (wg / parts) and writes y[wg]: the output
  // itself when parts == 1, else a partial the runtime reduces in a second pass. Parts keep
  // every thread's loop short: lavapipe silently cuts loops after about 2^14 iterations.
  uint o = wg / pc.parts, part = wg % pc.parts;
  if (o >= pc.n_out) return;  // uniform over the workgroup, so no barrier is skipped unevenly
  uint t = gl_LocalInvocationID.x;
  int base = int(pc.off) + offset_of(o, pc.kdim, true);
  uint r_end = min(pc.n_red, (part + 1u) * pc.part_len);
  T acc = identity();
  for (uint r = part * pc.part_len + t; r < r_end; r += gl_WorkGroupSize.x) acc = combine(acc, xs[base + offset_of(r, pc.rdim, false)]);
  partial[t] = acc;
  for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
    memoryBarrierShared();
    barrier();
    if (t < s) partial[t] = combine(partial[t], partial[t + s]);
  }
  if (t == 0u) y[pc.out_off + wg] = partial[0];
}
