// Shared by matmul.comp (the tiled path) and matmul_skinny.comp: c[b] = a[b] @ b[b] for
// strided a [B, M, K], b [B, K, N], c [B, M, N] (f32); the batch is gl_WorkGroupID.z.
// Variant f16w (-DHALF_B): b is read as IEEE halves (inference weights, ops/half_matmul.h;
// needs storageBuffer16BitAccess) and widened to f32 on load, so products and sums stay f32.
layout(push_constant) uniform Push {
  uint M, N, K;
  uint a_off; int a_sb, a_sr, a_sc;
  uint b_off; int b_sb, b_sr, b_sc;
  uint c_off; int c_sb, c_sr, c_sc;
} pc;

layout(std430, binding = 0) writeonly buffer C { float c[]; };
layout(std430, binding = 1) readonly buffer A { float a[]; };
#ifdef HALF_B
layout(std430, binding = 2) readonly buffer B { float16_t b[]; };
float load_b(int i) { return float(b[i]); }
#else
layout(std430, binding = 2) readonly buffer B { float b[]; };
float load_b(int i) { return b[i]; }
#endif

// Element (r, k) of this batch's a, (k, col) of its b, (r, col) of its c.
int a_at(uint r, uint k) { return int(pc.a_off) + int(gl_WorkGroupID.z) * pc.a_sb + int(r) * pc.a_sr + int(k) * pc.a_sc; }
int b_at(uint k, uint col) { return int(pc.b_off) + int(gl_WorkGroupID.z) * pc.b_sb + int(k) * pc.b_sr + int(col) * pc.b_sc; }
int c_at(uint r, uint col) { return int(pc.c_off) + int(gl_WorkGroupID.z) * pc.c_sb + int(r) * pc.c_sr + int(col) * pc.c_sc; }
