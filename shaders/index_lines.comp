#version 450
// gather and scatter_add (ops/index.h) with any strides. Operands: 0 the data tensor
// (gather's x, scatter_add's out), 1 the index (i32 or i64: IDX_WORDS words, the low one
// holds the index, checked in range on the host), 2 the other (gather's out, scatter_add's
// src). shape is the index's, with the axis set to 1 for scatter_add (one invocation per
// line along the axis) and kept for gather (one invocation per index element).
//   GATHER:      other[m] = data[m with m[axis] = idx[m]] (VALUE_WORDS words)
//   scatter_add: each line walks the axis in order, data[m with m[axis] = idx[m]] += other[m]:
//                lines never share an element, and the order is the CPU kernel's.
// variant gather: -DGATHER
// variant scatter_f32: -DT=float
// variant scatter_i32: -DT=int
// variant scatter_i64: -DT=int64_t -DINT64
#extension GL_GOOGLE_include_directive : require
#ifdef INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif

#include "group.glsl"
layout(constant_id = 0) const uint IDX_WORDS = 1;
layout(constant_id = 1) const uint VALUE_WORDS = 1;

layout(push_constant) uniform Push {
  uint n, ndim, len, axis;
  uint shape[6];
  int st[18];  // st[6 * operand + d]
  uint off[3];
} pc;

#ifdef GATHER
layout(std430, binding = 0) readonly buffer Data { uint data[]; };
layout(std430, binding = 2) writeonly buffer Other { uint other[]; };
#else
layout(std430, binding = 0) buffer Data { T data[]; };
layout(std430, binding = 2) readonly buffer Other { T other[]; };
#endif
layout(std430, binding = 1) readonly buffer Idx { uint idx[]; };

void main() {
  uint e = flat_id();
  if (e >= pc.n) return;
  ivec3 o = ivec3(pc.off[0], pc.off[1], pc.off[2]);
  uint rest = e;
  for (int d = int(pc.ndim) - 1; d >= 0; --d) {
    int c = int(rest % pc.shape[d]);
    rest /= pc.shape[d];
    // The data operand's coordinate along the axis comes from the index instead.
    o += c * ivec3(d == int(pc.axis) ? 0 : pc.st[d], pc.st[6 + d], pc.st[12 + d]);
  }
  int a = int(pc.axis);
  ivec3 ast = ivec3(pc.st[a], pc.st[6 + a], pc.st[12 + a]);
#ifdef GATHER
  int src = o.x + int(idx[uint(o.y) * IDX_WORDS]) * ast.x;
  for (uint w = 0u; w < VALUE_WORDS; ++w) other[uint(o.z) * VALUE_WORDS + w] = data[uint(src) * VALUE_WORDS + w];
#else
  for (uint j = 0u; j < pc.len; ++j) {
    int i = int(idx[uint(o.y + int(j) * ast.y) * IDX_WORDS]);
    data[o.x + i * ast.x] += other[o.z + int(j) * ast.z];
  }
#endif
}
