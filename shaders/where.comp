#version 450
// out[i] = cond[i] != 0 ? a[i] : b[i], moving raw words so one shader serves every dtype.
// Operands: 0 cond, 1 a, 2 b (strided); the output is dense.
#extension GL_GOOGLE_include_directive : require
#include "elementwise.glsl"

layout(constant_id = 0) const uint VALUE_WORDS = 1;  // 1: 32-bit values, 2: 64-bit
layout(constant_id = 1) const uint COND_WORDS = 1;
layout(constant_id = 2) const bool COND_FLOAT = false;  // then -0.0 counts as zero

layout(std430, binding = 0) writeonly buffer Out { uint outw[]; };
layout(std430, binding = 1) readonly buffer Cond { uint condw[]; };
layout(std430, binding = 2) readonly buffer A { uint aw[]; };
layout(std430, binding = 3) readonly buffer B { uint bw[]; };

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  uvec3 o = strided_offsets(i);
  // The sign bit lives in the last (high) word of a little-endian float.
  uint hi = condw[o.x * COND_WORDS + COND_WORDS - 1];
  uint lo = COND_WORDS == 2 ? condw[o.x * 2] : 0u;
  if (COND_FLOAT) hi &= 0x7fffffffu;
  bool take_a = (hi | lo) != 0u;
  uint dst = (pc.off[3] + i) * VALUE_WORDS;
  for (uint w = 0; w < VALUE_WORDS; ++w)
    outw[dst + w] = take_a ? aw[o.y * VALUE_WORDS + w] : bw[o.z * VALUE_WORDS + w];
}
