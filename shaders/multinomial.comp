#version 450
// multinomial (ops/sampling.h): one invocation per (row, sample) of weights [rows, V].
// Like the CPU kernel it sums the row in order, scales a 53-bit uniform from
// philox(offset + r S + s) by the total and takes the first token whose running sum
// exceeds it (never past the last positive weight). The sums are f64 where the device has
// it (variant f64: the CPU's result exactly), else f32 (variant f32: may differ where u
// falls within rounding of a boundary). A row with a negative or non-finite weight, or no
// positive one, gets -1, which the host turns into the CPU kernel's error.
// variant f64: -DACC=double -DF64
// variant f32: -DACC=float
#extension GL_GOOGLE_include_directive : require
#include "philox.glsl"

#include "group.glsl"

layout(push_constant) uniform Push {
  uint rows, V, S, w_off, out_off;
  uvec2 seed, offset;
} pc;

layout(std430, binding = 0) writeonly buffer Out { uint outw[]; };
layout(std430, binding = 1) readonly buffer W { float wt[]; };

// ((hi << 32 | lo) >> 11) 2^-53, as engine's uniform53 (exact in f64).
ACC uniform53(uint hi, uint lo) {
  return (ACC(hi) * ACC(2097152.0) + ACC(lo >> 11)) * ACC(1.0 / 9007199254740992.0);
}

void main() {
  uint e = flat_id();
  if (e >= pc.rows * pc.S) return;
  uint r = e / pc.S, row = pc.w_off + r * pc.V;
  ACC total = ACC(0);
  int last = -1;
  bool bad = false;
  for (uint v = 0u; v < pc.V; ++v) {
    float x = wt[row + v];
    bad = bad || !(x >= 0.0) || isinf(x);
    if (x > 0.0) last = int(v);
    total += ACC(x);
  }
  int pick = -1;
  if (!bad && last >= 0) {
    uvec4 bits = philox(counter_at(pc.offset, e), pc.seed);
    ACC u = uniform53(bits.x, bits.y) * total, run = ACC(0);
    pick = last;
    for (uint v = 0u; v < pc.V; ++v) {
      run += ACC(wt[row + v]);
      if (run > u) {
        pick = min(int(v), last);
        break;
      }
    }
  }
  outw[2u * (pc.out_off + e)] = uint(pick);
  outw[2u * (pc.out_off + e) + 1u] = pick < 0 ? 0xffffffffu : 0u;
}
