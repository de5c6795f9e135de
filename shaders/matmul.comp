#version 450
// The portable GEMM (see matmul.glsl for the operands): a workgroup of TS x TS threads
// computes a 4TS x 4TS tile of c, each thread a 4x4 block (rows ty + TS i, columns
// tx + TS j), stepping over K in slices of 16 staged through shared memory (2 x 16 x 4TS
// floats). TS (16, 8 or 4) is the runtime's choice from the device's workgroup and
// shared-memory limits (vulkan::kernel_config()). Any strides, so transposed views need
// no copy; edges are bounds-checked.
// variant f32:
// variant f16w: -DHALF_B
#extension GL_GOOGLE_include_directive : require
#ifdef HALF_B
#extension GL_EXT_shader_16bit_storage : require
#endif
layout(local_size_x_id = 1) in;  // TS * TS
#include "matmul.glsl"

layout(constant_id = 0) const uint TS = 16;
const uint BM = 4 * TS, BN = 4 * TS, BK = 16;
shared float As[BK][BM];
shared float Bs[BK][BN];

void main() {
  uint t = gl_LocalInvocationID.x, tx = t % TS, ty = t / TS;
  uint row0 = gl_WorkGroupID.y * BM, col0 = gl_WorkGroupID.x * BN;
  float acc[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < pc.K; k0 += BK) {
    for (uint e = t; e < BK * BM; e += TS * TS) {
      // A tile: consecutive threads walk k (contiguous for a row-major a).
      uint ar = e / BK, ak = e % BK;
      uint gr = row0 + ar, gk = k0 + ak;
      As[ak][ar] = (gr < pc.M && gk < pc.K) ? a[a_at(gr, gk)] : 0.0;
      // B tile: consecutive threads walk columns.
      uint bk = e / BN, bc = e % BN;
      uint gk2 = k0 + bk, gc = col0 + bc;
      Bs[bk][bc] = (gk2 < pc.K && gc < pc.N) ? load_b(b_at(gk2, gc)) : 0.0;
    }
    memoryBarrierShared();
    barrier();
    for (uint k = 0; k < BK; ++k) {
      float av[4], bv[4];
      for (uint i = 0; i < 4u; ++i) av[i] = As[k][ty + TS * i];
      for (uint j = 0; j < 4u; ++j) bv[j] = Bs[k][tx + TS * j];
      for (uint i = 0; i < 4u; ++i)
        for (uint j = 0; j < 4u; ++j) acc[i][j] += av[i] * bv[j];
    }
    memoryBarrierShared();
    barrier();
  }
  for (uint i = 0; i < 4u; ++i) {
    uint r = row0 + ty + TS * i;
    if (r >= pc.M) continue;
    for (uint j = 0; j < 4u; ++j) {
      uint col = col0 + tx + TS * j;
      if (col < pc.N) c[c_at(r, col)] = acc[i][j];
    }
  }
}
