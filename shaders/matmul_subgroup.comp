#version 450
// GEMM for skinny products (few rows: a sampling step, an LSTM step at a small batch),
// where matmul.comp's 64-row tiles would be mostly empty. A 64-thread workgroup computes a
// 4x16 tile of c (operands in matmul.glsl). Per slice of 64 along K, a's 4 rows and b's 16
// columns are staged in shared memory (b transposed, so a lane's reads are contiguous);
// each subgroup owns the columns s, s + S, ... of the tile (S subgroups), its lanes split
// K between them, and subgroupAdd combines the lanes' partial dot products at the end.
// Written against gl_SubgroupSize/gl_NumSubgroups, so any subgroup size works (lavapipe 8,
// NVIDIA 32, AMD 32/64). Needs subgroup arithmetic in compute shaders; the runtime checks.
// variant f32:
// variant f16w: -DHALF_B
#extension GL_GOOGLE_include_directive : require
#ifdef HALF_B
#extension GL_EXT_shader_16bit_storage : require
#endif
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
#include "matmul.glsl"

const uint TM = 4, TN = 16, BK = 64;
shared float As[TM][BK];
shared float Bs[TN][BK];

void main() {
  uint t = gl_LocalInvocationID.x, lane = gl_SubgroupInvocationID, sg = gl_SubgroupID;
  uint row0 = gl_WorkGroupID.y * TM, col0 = gl_WorkGroupID.x * TN;
  // acc[i][j]: row row0 + i, column col0 + sg + j * gl_NumSubgroups (j < TN / gl_NumSubgroups).
  float acc[TM][TN];
  for (uint i = 0; i < TM; ++i)
    for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < pc.K; k0 += BK) {
    uint gk = k0 + t;  // each thread stages one k for every row and column of the tile
    for (uint i = 0; i < TM; ++i) {
      uint r = row0 + i;
      As[i][t] = (r < pc.M && gk < pc.K) ? a[a_at(r, gk)] : 0.0;
    }
    for (uint j = 0; j < TN; ++j) {
      uint col = col0 + j;
      Bs[j][t] = (col < pc.N && gk < pc.K) ? load_b(b_at(gk, col)) : 0.0;
    }
    memoryBarrierShared();
    barrier();
    for (uint j = 0; sg + j * gl_NumSubgroups < TN; ++j) {
      uint cj = sg + j * gl_NumSubgroups;
      for (uint k = lane; k < BK; k += gl_SubgroupSize) {
        float bv = Bs[cj][k];
        for (uint i = 0; i < TM; ++i) acc[i][j] += As[i][k] * bv;
      }
    }
    memoryBarrierShared();
    barrier();
  }
  for (uint j = 0; sg + j * gl_NumSubgroups < TN; ++j) {
    uint col = col0 + sg + j * gl_NumSubgroups;
    for (uint i = 0; i < TM; ++i) {
      float total = subgroupAdd(acc[i][j]);  // every lane takes part: the loops are uniform
      if (lane == 0u && row0 + i < pc.M && col < pc.N) c[c_at(row0 + i, col)] = total;
    }
  }
}
