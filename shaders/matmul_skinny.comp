#version 450
// GEMM for skinny products (at most 8 rows: a sampling step, an LSTM step at a small
// batch), where matmul.comp's 64-row tiles would be mostly empty. A workgroup computes a
// TM x 16 tile of c (operands in matmul.glsl), TM = 1, 2, 4 or 8 chosen by the runtime to
// cover the rows, so each weight is read once and no row is computed for nothing. Its
// 16 * KL threads are 16 columns times KL lanes: per slice of 64 along K, a's TM rows and
// b's 16 columns are staged in shared memory, lane l of column j sums k = l, l + KL, ...
// of the slice for every row, and at the end the KL partial sums of each output are added
// in lane order through shared memory. No subgroup operation and no assumption on how the
// device groups invocations: correct for every subgroup size and any KL the device's
// workgroup limit allows (the runtime picks KL, vulkan::kernel_config()).
// variant f32:
// variant f16w: -DHALF_B
#extension GL_GOOGLE_include_directive : require
#ifdef HALF_B
#extension GL_EXT_shader_16bit_storage : require
#endif
layout(local_size_x_id = 2) in;  // 16 * KL
#include "matmul.glsl"

layout(constant_id = 0) const uint TM = 4;  // rows per tile
layout(constant_id = 1) const uint KL = 4;  // lanes per column
const uint TN = 16, BK = 64;
shared float As[TM * BK];  // As[i * BK + k]
shared float Bs[BK * TN];  // Bs[k * TN + j]: the lanes of a k read 16 neighbouring words
shared float partial[KL * TM * TN];

void main() {
  const uint WG = TN * KL;
  uint t = gl_LocalInvocationID.x, j = t % TN, lane = t / TN;
  uint row0 = gl_WorkGroupID.y * TM, col0 = gl_WorkGroupID.x * TN;
  float acc[TM];
  for (uint i = 0; i < TM; ++i) acc[i] = 0.0;

  for (uint k0 = 0; k0 < pc.K; k0 += BK) {
    // Staging: consecutive threads walk k (contiguous in a row-major a and a transposed b).
    for (uint e = t; e < TM * BK; e += WG) {
      uint i = e / BK, gk = k0 + e % BK, r = row0 + i;
      As[e] = (r < pc.M && gk < pc.K) ? a[a_at(r, gk)] : 0.0;
    }
    for (uint e = t; e < TN * BK; e += WG) {
      uint jj = e / BK, k = e % BK, col = col0 + jj, gk = k0 + k;
      Bs[k * TN + jj] = (col < pc.N && gk < pc.K) ? load_b(b_at(gk, col)) : 0.0;
    }
    memoryBarrierShared();
    barrier();
    for (uint k = lane; k < BK; k += KL) {
      float bv = Bs[k * TN + j];
      for (uint i = 0; i < TM; ++i) acc[i] += As[i * BK + k] * bv;
    }
    memoryBarrierShared();
    barrier();
  }
  for (uint i = 0; i < TM; ++i) partial[(lane * TM + i) * TN + j] = acc[i];
  memoryBarrierShared();
  barrier();
  for (uint e = t; e < TM * TN; e += WG) {
    uint i = e / TN, jj = e % TN, r = row0 + i, col = col0 + jj;
    if (r >= pc.M || col >= pc.N) continue;
    float total = 0.0;
    for (uint l = 0; l < KL; ++l) total += partial[(l * TM + i) * TN + jj];
    c[c_at(r, col)] = total;
  }
}
