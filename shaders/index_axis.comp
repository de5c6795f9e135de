#version 450
// index_select and index_add (ops/index.h) on dense tensors seen as [outer, size, inner]
// around the axis, with a 1-D index of n entries (i32 or i64: IDX_WORDS words each; the
// host has checked every index lies in [0, size), so the low word is the index).
//   SELECT: one invocation per output element copies VALUE_WORDS words,
//           out[o, j, i] = x[o, idx[j], i].
//   add:    one invocation per (o, i) column walks j in order, out[o, idx[j], i] += src[o, j, i]:
//           no two invocations touch one element (repeated indices cannot race) and every
//           element sums its terms in the CPU kernel's order, so results match it exactly.
// variant select: -DSELECT
// variant add_f32: -DT=float
// variant add_i32: -DT=int
// variant add_i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif

#include "group.glsl"
layout(constant_id = 0) const uint IDX_WORDS = 1;
layout(constant_id = 1) const uint VALUE_WORDS = 1;

layout(push_constant) uniform Push {
  uint outer, size, n, inner;
  uint dst_off, idx_off, src_off;
} pc;

#ifdef SELECT
layout(std430, binding = 0) writeonly buffer Dst { uint dst[]; };
layout(std430, binding = 1) readonly buffer Src { uint src[]; };
#else
layout(std430, binding = 0) buffer Dst { T dst[]; };
layout(std430, binding = 1) readonly buffer Src { T src[]; };
#endif
layout(std430, binding = 2) readonly buffer Idx { uint idx[]; };

uint index_at(uint j) { return idx[(pc.idx_off + j) * IDX_WORDS]; }

void main() {
  uint e = flat_id();
#ifdef SELECT
  if (e >= pc.outer * pc.n * pc.inner) return;
  uint i = e % pc.inner, j = (e / pc.inner) % pc.n, o = e / (pc.inner * pc.n);
  uint from = pc.src_off + (o * pc.size + index_at(j)) * pc.inner + i, to = pc.dst_off + e;
  for (uint w = 0u; w < VALUE_WORDS; ++w) dst[to * VALUE_WORDS + w] = src[from * VALUE_WORDS + w];
#else
  if (e >= pc.outer * pc.inner) return;
  uint i = e % pc.inner, o = e / pc.inner;
  for (uint j = 0u; j < pc.n; ++j)
    dst[pc.dst_off + (o * pc.size + index_at(j)) * pc.inner + i] += src[pc.src_off + (o * pc.n + j) * pc.inner + i];
#endif
}
