#version 450
// softmax / log_softmax of f32 rows (ops/softmax.h): row r of x viewed as [outer, n, inner]
// has n elements `inner` apart. One workgroup per row: each thread folds a strided share,
// then a shared-memory tree gives the row max and the sum of exp(x - max). With PER_THREAD
// (short rows) each invocation handles a whole row alone. A row that is all -inf gives
// zeros (softmax) or -inf (log_softmax), like the CPU kernel.
#extension GL_GOOGLE_include_directive : require
#include "math.glsl"

#include "group.glsl"
layout(constant_id = 0) const bool LOG = false;
layout(constant_id = 1) const bool PER_THREAD = false;

layout(push_constant) uniform Push {
  uint rows, n, inner, x_off, y_off;
} pc;

layout(std430, binding = 0) writeonly buffer Y { float y[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };

shared float partial[gl_WorkGroupSize.x];

// The max (or sum) of v over the workgroup; every thread gets it.
float tree(float v, bool is_max) {
  uint t = gl_LocalInvocationID.x;
  partial[t] = v;
  for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
    memoryBarrierShared();
    barrier();
    if (t < s) partial[t] = is_max ? max(partial[t], partial[t + s]) : partial[t] + partial[t + s];
  }
  memoryBarrierShared();
  barrier();
  float r = partial[0];
  barrier();  // nobody overwrites partial before everyone has read it
  return r;
}

void write_row(uint base, uint first, uint step, float m, float s) {
  float lse = m + log(s), inv = 1.0 / s;
  for (uint k = first; k < pc.n; k += step) {
    float v = x[pc.x_off + base + k * pc.inner];
    y[pc.y_off + base + k * pc.inner] = LOG ? v - lse : exp(v - m) * inv;
  }
}

void fill_masked_row(uint base, uint first, uint step) {
  for (uint k = first; k < pc.n; k += step) y[pc.y_off + base + k * pc.inner] = LOG ? -inf_() : 0.0;
}

void main() {
  uint wg = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint r = PER_THREAD ? flat_id() : wg;
  if (r >= pc.rows) return;  // per workgroup (uniform) unless PER_THREAD, which has no barriers
  uint base = (r / pc.inner) * pc.n * pc.inner + r % pc.inner;
  uint first = PER_THREAD ? 0u : gl_LocalInvocationID.x, step = PER_THREAD ? 1u : gl_WorkGroupSize.x;
  float m = -inf_();
  for (uint k = first; k < pc.n; k += step) m = max(m, x[pc.x_off + base + k * pc.inner]);
  if (!PER_THREAD) m = tree(m, true);
  if (m == -inf_()) {
    fill_masked_row(base, first, step);
    return;
  }
  float s = 0.0;
  for (uint k = first; k < pc.n; k += step) s += exp(x[pc.x_off + base + k * pc.inner] - m);
  if (!PER_THREAD) s = tree(s, false);
  write_row(base, first, step, m, s);
}
