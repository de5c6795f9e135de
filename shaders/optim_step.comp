#version 450
// The optimizers' fused updates (engine/optim), f32, one invocation per parameter element,
// with the CPU kernels' formulas and host-computed scalars.
//   SGD (variant sgd): d = g + wd p; buf = first ? d : momentum buf + (1 - dampening) d;
//     d = nesterov ? d + momentum buf : buf; p -= lr d.
//   Adam / AdamW (variant adam): decoupled ? p *= 1 - lr wd : g += wd p;
//     m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= step_size m / (sqrt(v) / bc2_sqrt + eps).
// variant sgd: -DSGD
// variant adam:
#extension GL_GOOGLE_include_directive : require
#include "group.glsl"

layout(push_constant) uniform Push {
  uint n, p_off, g_off, s0_off, s1_off;
  uint flags;  // SGD: 1 weight decay, 2 momentum, 4 nesterov, 8 first; Adam: 1 weight decay, 2 decoupled
  float lr, wd, a, b, c, d, e, f;  // SGD: momentum, 1 - dampening; Adam: b1, b2, 1-b1, 1-b2, step_size, bc2_sqrt
  float eps, decay;
} pc;

layout(std430, binding = 0) buffer Param { float param[]; };
layout(std430, binding = 1) readonly buffer Grad { float grad[]; };
layout(std430, binding = 2) buffer State0 { float s0[]; };
layout(std430, binding = 3) buffer State1 { float s1[]; };

void main() {
  uint k = flat_id();
  if (k >= pc.n) return;
  float p = param[pc.p_off + k], g = grad[pc.g_off + k];
  bool decay = (pc.flags & 1u) != 0u;
#ifdef SGD
  float d = decay ? g + pc.wd * p : g;
  if ((pc.flags & 2u) != 0u) {
    float b = (pc.flags & 8u) != 0u ? d : pc.a * s0[pc.s0_off + k] + pc.b * d;
    s0[pc.s0_off + k] = b;
    d = (pc.flags & 4u) != 0u ? d + pc.a * b : b;
  }
  param[pc.p_off + k] = p - pc.lr * d;
#else
  if (decay) {
    if ((pc.flags & 2u) != 0u) p *= pc.decay;
    else g += pc.wd * p;
  }
  float m = s0[pc.s0_off + k] * pc.a + pc.c * g;
  float v = s1[pc.s1_off + k] * pc.b + pc.d * g * g;
  s0[pc.s0_off + k] = m;
  s1[pc.s1_off + k] = v;
  param[pc.p_off + k] = p - pc.e * m / (sqrt(v) / pc.f + pc.eps);
#endif
}
