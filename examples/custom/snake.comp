#version 450
// The Vulkan side of examples/custom/snake.h: out[i] = x + sin^2(alpha x) / alpha, f32.
// elementwise.glsl (cadenza's, on the include path of cadenza_add_shaders) gives the push
// constants of vulkan::dispatch_elementwise: input 0 strided, the output dense, alpha in pa.
// The backward is written with ops (sin, mul, add), so it needs no shader of its own.
#extension GL_GOOGLE_include_directive : require
#include "elementwise.glsl"

layout(std430, binding = 0) writeonly buffer Out { float y[]; };
layout(std430, binding = 1) readonly buffer X { float xs[]; };

void main() {
  uint i = flat_index();
  if (i >= pc.n) return;
  float x = xs[strided_offsets(i).x];
  float s = sin(pc.pa * x);
  y[pc.off[3] + i] = x + s * s / pc.pa;
}
