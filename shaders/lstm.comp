#version 450
// The fused LSTM cell pointwise half (ops/lstm.h), one invocation per unit (b, j) of a
// [B, H] state; gates [B, 4H] hold the pre-activations in PyTorch's order (i, f, g, o).
// Forward: c' = f c + i g, h' = o tanh(c'). BACKWARD: from grad_h, grad_c the gradients of
// the gates and of c, exactly the CPU kernel's formulas. All tensors dense (offsets only).
// variant forward:
// variant backward: -DBACKWARD
#extension GL_GOOGLE_include_directive : require
#include "math.glsl"

#include "group.glsl"

layout(push_constant) uniform Push {
  uint B, H;
  uint off[6];  // forward: h_out, c_out, gates, c; backward: grad_gates, grad_c_prev, gates, c, grad_h, grad_c
} pc;

layout(std430, binding = 0) writeonly buffer Out0 { float out0[]; };
layout(std430, binding = 1) writeonly buffer Out1 { float out1[]; };
layout(std430, binding = 2) readonly buffer Gates { float gates[]; };
layout(std430, binding = 3) readonly buffer C { float cs[]; };
#ifdef BACKWARD
layout(std430, binding = 4) readonly buffer GradH { float gh[]; };
layout(std430, binding = 5) readonly buffer GradC { float gc[]; };
#endif

void main() {
  uint k = flat_id();
  if (k >= pc.B * pc.H) return;
  uint H = pc.H, b = k / H, j = k % H, row = pc.off[2] + b * 4u * H;
  float i = sigmoid_(gates[row + j]), f = sigmoid_(gates[row + H + j]);
  float g = tanh_(gates[row + 2u * H + j]), o = sigmoid_(gates[row + 3u * H + j]);
  float c = cs[pc.off[3] + k];
  float c_new = f * c + i * g, tc = tanh_(c_new);
#ifndef BACKWARD
  out1[pc.off[1] + k] = c_new;
  out0[pc.off[0] + k] = o * tc;
#else
  float dh = gh[pc.off[4] + k];
  float dc = gc[pc.off[5] + k] + dh * o * (1.0 - tc * tc);  // total gradient reaching c'
  uint out_row = pc.off[0] + b * 4u * H;
  out0[out_row + j] = dc * g * i * (1.0 - i);
  out0[out_row + H + j] = dc * c * f * (1.0 - f);
  out0[out_row + 2u * H + j] = dc * i * (1.0 - g * g);
  out0[out_row + 3u * H + j] = dh * tc * o * (1.0 - o);
  out1[pc.off[1] + k] = dc * f;
#endif
}
