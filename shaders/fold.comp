#version 450
// col2im (ops/im2col.h) without races: one invocation per element of the dense output
// [N, C, *in] gathers the column entries that land on it, in tap order (the CPU kernel's
// order of accumulation, so sums match it exactly).
#extension GL_GOOGLE_include_directive : require
#include "window.glsl"

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer Cols { float cols[]; };

void main() {
  uint e = flat_id();
  if (e >= pc.total) return;
  uint plane_size = pc.in_[0] * pc.in_[1] * pc.in_[2], plane = e / plane_size, p = e % plane_size;
  uvec3 pos = uvec3(p / (pc.in_[1] * pc.in_[2]), (p / pc.in_[2]) % pc.in_[1], p % pc.in_[2]);
  uint K = taps();
  int row0 = int(pc.src_off) + int(plane / pc.C) * pc.st[0] + int((plane % pc.C) * K) * pc.st[1];
  float acc = 0.0;
  for (uint k = 0u; k < K; ++k) {
    uvec3 kk = tap_of(k);
    uint l = 0u;
    bool hit = true;
    for (int a = 0; a < 3; ++a) {
      // This tap covers pos[a] from window position o = (pos + padding - k * dilation) / stride.
      int t = int(pos[a] + pc.padding[a]) - int(kk[a] * pc.dilation[a]);
      hit = hit && t >= 0 && t % int(pc.stride[a]) == 0 && t / int(pc.stride[a]) < int(pc.grid[a]);
      l = l * pc.grid[a] + uint(max(t, 0)) / pc.stride[a];
    }
    if (hit) acc += cols[row0 + int(k) * pc.st[1] + int(l) * pc.st[2]];
  }
  y[pc.dst_off + e] = acc;
}
