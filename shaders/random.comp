#version 450
// The random kernels of ops/random.h: element i comes from philox(offset + i, seed), so the
// device draws the CPU's numbers. DIST is a cadenza::RandomDist (RANDOM_* from
// ops/op_enums.h, generated as op_enums.glsl) or RANDOM_DIST_COUNT for bernoulli with
// per-element probabilities p (binding 1).
//   uniform:   a + (b - a) u in f64 like the CPU (variant exact, needs shaderFloat64), or in
//              f32 (variant f32: exact for [0, 1), within an ulp otherwise);
//   normal:    Box-Muller in f32 (GLSL has no f64 log/cos): agrees to rounding;
//   bernoulli: u < p as the integer test (w >> 8) < thresh, thresh = ceil(p 2^24), or the
//              f32 comparison u < p[i] (both exact);
//   randint:   Lemire's multiply-shift on 64 random bits with 32-bit words only: exact.
// The output is written as words (i64 as two), so no shaderInt64 is needed.
// variant f32:
// variant exact: -DEXACT
#extension GL_GOOGLE_include_directive : require
#include "philox.glsl"

#include "group.glsl"
#include "op_enums.glsl"
layout(constant_id = 0) const uint DIST = 0;

layout(push_constant) uniform Push {
  uint n, out_off, p_off;
  uint thresh;      // bernoulli: ceil(p 2^24)
  uvec2 seed, offset;
  float fa, fb;     // a and b in f32 (uniform in f32, normal, bernoulli's value)
  uvec2 da, db;     // a and b as f64 bits (exact uniform); randint: lo and the range as i64/u64
} pc;

layout(std430, binding = 0) writeonly buffer Out { uint outw[]; };
layout(std430, binding = 1) readonly buffer P { float p[]; };

// The high 64 bits of the 128-bit product x * r (x, r as (lo, hi) words).
uvec2 mul_high64(uvec2 x, uvec2 r) {
  uint p0h, p0l, p1h, p1l, p2h, p2l, p3h, p3l;
  umulExtended(x.x, r.x, p0h, p0l);
  umulExtended(x.x, r.y, p1h, p1l);
  umulExtended(x.y, r.x, p2h, p2l);
  umulExtended(x.y, r.y, p3h, p3l);
  uint c1, c2, c3, c4, c5;
  uint w1 = uaddCarry(p0h, p1l, c1);
  w1 = uaddCarry(w1, p2l, c2);
  uint w2 = uaddCarry(p1h, p2h, c3);
  w2 = uaddCarry(w2, p3l, c4);
  w2 = uaddCarry(w2, c1 + c2, c5);
  return uvec2(w2, p3h + c3 + c4 + c5);
}

void main() {
  uint i = flat_id();
  if (i >= pc.n) return;
  uvec4 w = philox(counter_at(pc.offset, i), pc.seed);
  uint o = pc.out_off + i;
  if (DIST == RANDOM_UNIFORM) {
#ifdef EXACT
    double a = packDouble2x32(pc.da), b = packDouble2x32(pc.db);
    outw[o] = floatBitsToUint(float(a + (b - a) * double(uniform24(w.x))));
#else
    outw[o] = floatBitsToUint(pc.fa + (pc.fb - pc.fa) * uniform24(w.x));
#endif
  } else if (DIST == RANDOM_NORMAL) {
    float u1 = 1.0 - uniform24(w.x), u2 = uniform24(w.y);
    outw[o] = floatBitsToUint(pc.fa + pc.fb * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
  } else if (DIST == RANDOM_BERNOULLI) {
    outw[o] = floatBitsToUint((w.x >> 8) < pc.thresh ? pc.fb : 0.0);
  } else if (DIST == RANDOM_RANDINT) {
    uvec2 hi = mul_high64(uvec2(w.y, w.x), pc.db);  // x = (w0 << 32) | w1
    uint carry;
    uint lo = uaddCarry(pc.da.x, hi.x, carry);
    outw[2u * o] = lo;
    outw[2u * o + 1u] = pc.da.y + hi.y + carry;
  } else {
    outw[o] = floatBitsToUint(uniform24(w.x) < p[pc.p_off + i] ? 1.0 : 0.0);
  }
}
