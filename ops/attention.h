#pragma once
// Scaled dot-product attention with an optional causal mask, key padding mask and the
// Music Transformer's relative position term (Huang et al. 2018, sec. 3.4.1), all built
// from ops (matmul, pad/reshape/narrow, where, softmax), so every order of derivative works.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// The "skewing" trick: qe [..., L, S] (L <= S) holds q_i . E_r[r] for every query i and
// relative embedding row r, where row r stands for relative distance r - (S - 1) (so the
// last row is distance 0, as in tensor2tensor's get_relative_embeddings_left). The queries
// are the last L of S positions (query i sits at S - L + i, as in a key/value cache).
// Returns S_rel [..., L, S] with S_rel[i, j] = qe[i, L - 1 - i + j], the row for distance
// (S - L + i) - j, for j <= S - L + i. Entries right of that (future keys) are leftovers of
// the reshape and must be masked (relative attention is causal only).
// Pad one zero column on the left, flatten the last two axes, drop the first L entries and
// view the next L * S as [..., L, S] (for L == S: view as [L + 1, L], drop the first row).
Tensor relative_skew(const Tensor& qe);

// q [B, H, L, D], k [B, H, S, D], v [B, H, S, Dv] -> [B, H, L, Dv]:
//   softmax((q k^T + skew(q E_r^T)) / sqrt(D) + mask) v
// causal: query i sees keys j <= i + (S - L) (queries are the last L of S positions, so a
//   key/value cache works; for L == S this is j <= i).
// key_padding_mask [B, S] (any dtype): nonzero marks a padding key that no query sees
//   (PyTorch's convention).
// rel_emb [M, D] (needs causal and L <= S): relative embeddings for distances
//   -(M - 1) .. 0, last row = distance 0; query i (position S - L + i) and key j are
//   (S - L + i) - j apart. When M > S the last S rows are used, when M < S the longer
//   distances get a zero embedding. With L < S this is one step of a key/value cache and
//   equals the last L rows of the full L == S computation.
// Masked positions get exactly zero probability. A query whose every key is masked gets
// all-zero probabilities, so its output row is 0 (not NaN) and its gradients are 0.
// A backend's fused_attention_kernel slot takes the calls it supports: on the CPU every
// floating one (BLAS products, the weights scaled, masked and normalised in one pass with a
// one-pass backward); on Vulkan, when no gradient is recorded (inference, sampling) and the
// shapes fit (S <= kFusedAttentionMaxKeys, D <= kFusedAttentionMaxDim, f32), one pass per
// query row with no [L, S] score tensor in memory. Else the chain of ops runs.
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, bool causal = false,
                 const Tensor& key_padding_mask = {}, const Tensor& rel_emb = {});

// The fused forward: out [B, H, L, Dv] from strided q, k, v and rel_emb (or an undefined
// tensor) as above, for the calls its device's slot supports.
constexpr int64_t kFusedAttentionMaxKeys = 2048, kFusedAttentionMaxDim = 256;
using FusedAttentionKernel = FusedKernel<Tensor(const Tensor& q, const Tensor& k, const Tensor& v,
                                                const Tensor& key_padding_mask, const Tensor& rel_emb, bool causal)>;
extern FusedAttentionKernel fused_attention_kernel;
// What a one-pass-per-row slot needs: all operands on q's device, f32, S and D within the
// limits above, and no gradient to record.
bool fused_attention_fits(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                          const Tensor& rel_emb);
// The key padding mask as such a kernel reads it: f32, 1 = padding (undefined stays so).
Tensor padding_flags(const Tensor& key_padding_mask);

}  // namespace cadenza
