// Shared by unfold.comp and fold.comp: vulkan's copy of cadenza::WindowGeometry (ops/im2col.h)
// with the spatial axes right-aligned into three, plus the operands' offsets and strides.
#include "group.glsl"

layout(push_constant) uniform Push {
  uint total;  // invocations (elements of the dense side)
  uint C;      // channels
  uint in_[3], grid[3], kernel[3], stride[3], padding[3], dilation[3];
  uint src_off, dst_off;
  int st[5];  // the strided operand: unfold's x [N, C, s0, s1, s2]; fold's cols [N, C*K, L]
} pc;

uint taps() { return pc.kernel[0] * pc.kernel[1] * pc.kernel[2]; }
uint positions() { return pc.grid[0] * pc.grid[1] * pc.grid[2]; }
// Tap k as (kd, kh, kw).
uvec3 tap_of(uint k) { return uvec3(k / (pc.kernel[1] * pc.kernel[2]), (k / pc.kernel[2]) % pc.kernel[1], k % pc.kernel[2]); }
