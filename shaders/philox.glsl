// Philox4x32-10 exactly as engine/rng.cpp computes it: a 64-bit counter (c0, c1) with the
// upper counter words zero, under a 64-bit key (k0, k1).
uvec4 philox(uvec2 counter, uvec2 key) {
  const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  uvec4 c = uvec4(counter, 0u, 0u);
  for (int round = 0; round < 10; ++round) {
    uint hi0, lo0, hi1, lo1;
    umulExtended(M0, c.x, hi0, lo0);
    umulExtended(M1, c.z, hi1, lo1);
    c = uvec4(hi1 ^ c.y ^ key.x, lo1, hi0 ^ c.w ^ key.y, lo0);
    key += uvec2(W0, W1);
  }
  return c;
}

// The counter offset + i as two words.
uvec2 counter_at(uvec2 offset, uint i) {
  uint carry;
  uint lo = uaddCarry(offset.x, i, carry);
  return uvec2(lo, offset.y + carry);
}

// Uniform in [0, 1) from 24 bits, exact in f32 (engine/rng.h uniform_from_bits).
float uniform24(uint w) { return float(w >> 8) * (1.0 / 16777216.0); }
