#version 450
// c[b] = a[b] @ b[b] for strided a [B, M, K], b [B, K, N], c [B, M, N] (f32). Portable
// tiled GEMM: a 256-thread workgroup computes a 64x64 tile of c, each thread a 4x4 block
// (rows ty + 16i, columns tx + 16j), stepping over K in slices of 16 staged through
// shared memory. Any strides, so transposed views need no copy; edges are bounds-checked.
layout(local_size_x = 256) in;

layout(push_constant) uniform Push {
  uint M, N, K;
  uint a_off; int a_sb, a_sr, a_sc;
  uint b_off; int b_sb, b_sr, b_sc;
  uint c_off; int c_sb, c_sr, c_sc;
} pc;

layout(std430, binding = 0) writeonly buffer C { float c[]; };
layout(std430, binding = 1) readonly buffer A { float a[]; };
layout(std430, binding = 2) readonly buffer B { float b[]; };

const uint BM = 64, BN = 64, BK = 16;
shared float As[BK][BM];
shared float Bs[BK][BN];

void main() {
  uint t = gl_LocalInvocationID.x, tx = t % 16u, ty = t / 16u;
  uint row0 = gl_WorkGroupID.y * BM, col0 = gl_WorkGroupID.x * BN, batch = gl_WorkGroupID.z;
  int a_base = int(pc.a_off) + int(batch) * pc.a_sb;
  int b_base = int(pc.b_off) + int(batch) * pc.b_sb;
  float acc[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < pc.K; k0 += BK) {
    for (uint q = 0; q < 4u; ++q) {
      uint e = t + 256u * q;
      // A tile: consecutive threads walk k (contiguous for a row-major a).
      uint ar = e / BK, ak = e % BK;
      uint gr = row0 + ar, gk = k0 + ak;
      As[ak][ar] = (gr < pc.M && gk < pc.K) ? a[a_base + int(gr) * pc.a_sr + int(gk) * pc.a_sc] : 0.0;
      // B tile: consecutive threads walk columns.
      uint bk = e / BN, bc = e % BN;
      uint gk2 = k0 + bk, gc = col0 + bc;
      Bs[bk][bc] = (gk2 < pc.K && gc < pc.N) ? b[b_base + int(gk2) * pc.b_sr + int(gc) * pc.b_sc] : 0.0;
    }
    memoryBarrierShared();
    barrier();
    for (uint k = 0; k < BK; ++k) {
      float av[4], bv[4];
      for (uint i = 0; i < 4u; ++i) av[i] = As[k][ty + 16u * i];
      for (uint j = 0; j < 4u; ++j) bv[j] = Bs[k][tx + 16u * j];
      for (uint i = 0; i < 4u; ++i)
        for (uint j = 0; j < 4u; ++j) acc[i][j] += av[i] * bv[j];
    }
    memoryBarrierShared();
    barrier();
  }
  int c_base = int(pc.c_off) + int(batch) * pc.c_sb;
  for (uint i = 0; i < 4u; ++i) {
    uint r = row0 + ty + 16u * i;
    if (r >= pc.M) continue;
    for (uint j = 0; j < 4u; ++j) {
      uint col = col0 + tx + 16u * j;
      if (col < pc.N) c[c_base + int(r) * pc.c_sr + int(col) * pc.c_sc] = acc[i][j];
    }
  }
}
