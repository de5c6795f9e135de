#version 450
// out = a x + b (f32); cadenza's elementwise.glsl holds the push constants of
// vulkan::dispatch_elementwise: x strided, out dense, a and b in pa and pb.
#extension GL_GOOGLE_include_directive : require
#include "elementwise.glsl"

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer X { float xs[]; };

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  y[pc.off[3] + i] = pc.pa * xs[strided_offsets(i).x] + pc.pb;
}
