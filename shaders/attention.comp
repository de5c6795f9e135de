#version 450
// Fused attention forward for inference (cadenza::fused_attention_kernel): one workgroup
// per query row (i, head, batch) computes
//   out[i] = softmax((q_i . k_j + q_i . E_r[dist]) * scale, masked keys -inf) @ v
// without writing the [L, S] scores anywhere but shared memory. The query sits at position
// S - L + i (the last L of S, so a key/value cache works); the relative term uses row
// M - 1 - dist of rel_emb for dist = pos - j < M, else nothing (tensor2tensor's convention,
// ops/attention.h). Max and sum are tree reductions in shared memory. A row whose every
// key is masked outputs zeros, like the op path.
//   variant whole: 64 threads and every key's score (up to kFusedAttentionMaxKeys = 2048)
//     in shared memory at once, 10.3 KiB: what every conformant device offers.
//   variant chunked: for a device with less shared memory, the workgroup size WG and the
//     keys per chunk CHUNK are the runtime's choice from its limits; the running sum and
//     output are rescaled when a later chunk raises the max.
// variant whole:
// variant chunked: -DCHUNKED
#ifdef CHUNKED
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint CHUNK = 2048;
const uint WG = gl_WorkGroupSize.x;
#else
layout(local_size_x = 64) in;
const uint CHUNK = 2048, WG = 64;
#endif

layout(push_constant) uniform Push {
  uint L, S, D, Dv;
  uint q_off; int q_sb, q_sh, q_sl, q_sd;
  uint k_off; int k_sb, k_sh, k_ss, k_sd;
  uint v_off; int v_sb, v_sh, v_ss, v_sd;
  uint H, o_off;        // out is dense [B, H, L, Dv]
  uint m_off; int m_sb, m_ss;
  uint r_off; int r_sm, r_sd; uint M;
  float scale;
  uint flags;           // 1 causal, 2 key padding, 4 relative
} pc;

layout(std430, binding = 0) writeonly buffer Out { float o[]; };
layout(std430, binding = 1) readonly buffer Q { float q[]; };
layout(std430, binding = 2) readonly buffer K { float k[]; };
layout(std430, binding = 3) readonly buffer V { float v[]; };
layout(std430, binding = 4) readonly buffer Mask { float mask[]; };
layout(std430, binding = 5) readonly buffer Rel { float rel[]; };

const uint MAX_D = 256;  // kFusedAttentionMaxDim
#define NEG_INF uintBitsToFloat(0xff800000u)
shared float scores[CHUNK];
shared float qs[MAX_D];
#ifdef CHUNKED
shared float acc[MAX_D];  // the unnormalised output; element d belongs to thread d % WG
#endif
shared float red[WG];

// Tree reduction of one value per thread; every thread gets the result.
float reduce_max(float x) {
  uint t = gl_LocalInvocationID.x;
  red[t] = x;
  barrier();
  for (uint s = WG / 2; s > 0; s >>= 1) {
    if (t < s) red[t] = max(red[t], red[t + s]);
    barrier();
  }
  float r = red[0];
  barrier();
  return r;
}

float reduce_sum(float x) {
  uint t = gl_LocalInvocationID.x;
  red[t] = x;
  barrier();
  for (uint s = WG / 2; s > 0; s >>= 1) {
    if (t < s) red[t] += red[t + s];
    barrier();
  }
  float r = red[0];
  barrier();
  return r;
}

// The scaled score of key j for the query at position pos (NEG_INF when masked); kb is
// this (batch, head)'s first key.
float score(uint j, uint pos, uint b, int kb) {
  bool causal = (pc.flags & 1u) != 0u, padded = (pc.flags & 2u) != 0u, relative = (pc.flags & 4u) != 0u;
  if ((causal && j > pos) || (padded && mask[int(pc.m_off) + int(b) * pc.m_sb + int(j) * pc.m_ss] != 0.0))
    return NEG_INF;
  float dot = 0.0;
  int kj = kb + int(j) * pc.k_ss;
  for (uint d = 0; d < pc.D; ++d) dot += qs[d] * k[kj + int(d) * pc.k_sd];
  if (relative && pos - j < pc.M) {
    int rj = int(pc.r_off) + int(pc.M - 1u - (pos - j)) * pc.r_sm;
    for (uint d = 0; d < pc.D; ++d) dot += qs[d] * rel[rj + int(d) * pc.r_sd];
  }
  return dot * pc.scale;
}

void main() {
  uint t = gl_LocalInvocationID.x, i = gl_WorkGroupID.x, h = gl_WorkGroupID.y, b = gl_WorkGroupID.z;
  int qb = int(pc.q_off) + int(b) * pc.q_sb + int(h) * pc.q_sh + int(i) * pc.q_sl;
  for (uint d = t; d < pc.D; d += WG) qs[d] = q[qb + int(d) * pc.q_sd];
#ifdef CHUNKED
  for (uint d = t; d < pc.Dv; d += WG) acc[d] = 0.0;
#endif
  barrier();

  uint pos = pc.S - pc.L + i;
  int kb = int(pc.k_off) + int(b) * pc.k_sb + int(h) * pc.k_sh;
  int vb = int(pc.v_off) + int(b) * pc.v_sb + int(h) * pc.v_sh;
  uint ob = pc.o_off + ((b * pc.H + h) * pc.L + i) * pc.Dv;
#ifdef CHUNKED
  float mx = NEG_INF, total = 0.0;  // the running max and sum, the same in every thread
  for (uint c0 = 0; c0 < pc.S; c0 += CHUNK) {
    uint n = min(CHUNK, pc.S - c0);
    float cmx = NEG_INF;
    for (uint jj = t; jj < n; jj += WG) {
      float s = score(c0 + jj, pos, b, kb);
      scores[jj] = s;
      cmx = max(cmx, s);
    }
    // While every key so far is masked (m_new = -inf), p and the sums stay 0.
    float m_new = max(mx, reduce_max(cmx));
    float part = 0.0;
    for (uint jj = t; jj < n; jj += WG) {
      float p = m_new == NEG_INF ? 0.0 : exp(scores[jj] - m_new);
      scores[jj] = p;
      part += p;
    }
    float rescale = mx == NEG_INF ? 0.0 : exp(mx - m_new);  // 0 until a chunk has a key
    total = total * rescale + reduce_sum(part);  // its barriers also publish every scores[jj]
    for (uint d = t; d < pc.Dv; d += WG) {
      float a = acc[d] * rescale;
      for (uint jj = 0; jj < n; ++jj) a += scores[jj] * v[vb + int(c0 + jj) * pc.v_ss + int(d) * pc.v_sd];
      acc[d] = a;
    }
    mx = m_new;
    barrier();  // every thread is done with scores before the next chunk overwrites them
  }
  float inv = total > 0.0 ? 1.0 / total : 0.0;
  for (uint d = t; d < pc.Dv; d += WG) o[ob + d] = acc[d] * inv;
#else
  float mx = NEG_INF;
  for (uint j = t; j < pc.S; j += WG) {
    float s = score(j, pos, b, kb);
    scores[j] = s;
    mx = max(mx, s);
  }
  mx = reduce_max(mx);
  float total = 0.0;
  for (uint j = t; j < pc.S; j += WG) {
    float p = mx == NEG_INF ? 0.0 : exp(scores[j] - mx);
    scores[j] = p;
    total += p;
  }
  total = reduce_sum(total);  // its barriers also publish every scores[j]
  float inv = total > 0.0 ? 1.0 / total : 0.0;
  for (uint d = t; d < pc.Dv; d += WG) {
    float acc = 0.0;
    for (uint j = 0; j < pc.S; ++j) acc += scores[j] * v[vb + int(j) * pc.v_ss + int(d) * pc.v_sd];
    o[ob + d] = acc * inv;
  }
#endif
}
