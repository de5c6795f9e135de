#version 450
// im2col (ops/im2col.h): one invocation per element of the dense cols [N, C*K, L]; taps
// that fall in the padding read 0.
#extension GL_GOOGLE_include_directive : require
#include "window.glsl"

layout(std430, binding = 0) writeonly buffer Cols { float cols[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };

void main() {
  uint e = flat_id();
  if (e >= pc.total) return;
  uint L = positions(), K = taps();
  uint l = e % L, k = (e / L) % K, plane = e / (L * K);  // plane = n * C + c
  uvec3 kk = tap_of(k);
  uvec3 o = uvec3(l / (pc.grid[1] * pc.grid[2]), (l / pc.grid[2]) % pc.grid[1], l % pc.grid[2]);
  int off = int(pc.src_off) + int(plane / pc.C) * pc.st[0] + int(plane % pc.C) * pc.st[1];
  float v = 0.0;
  bool inside = true;
  for (int a = 0; a < 3; ++a) {
    int i = int(o[a] * pc.stride[a] + kk[a] * pc.dilation[a]) - int(pc.padding[a]);
    inside = inside && i >= 0 && i < int(pc.in_[a]);
    off += i * pc.st[2 + a];
  }
  if (inside) v = x[off];
  cols[pc.dst_off + e] = v;
}
