#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/autograd.h"
#include "engine/cpu/blas.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/matmul.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/softmax.h"
#include "ops/vec_math.h"
#include "ops/view.h"

namespace cadenza {

Tensor relative_skew(const Tensor& qe) {
  CADENZA_CHECK(qe.dim() >= 2 && qe.size(-2) <= qe.size(-1), "relative_skew: input {} must be [..., L, S] with L <= S",
                shape_str(qe.shape()));
  const int64_t L = qe.size(-2), S = qe.size(-1);
  std::vector<std::pair<int64_t, int64_t>> pads(qe.dim(), {0, 0});
  pads.back() = {1, 0};
  Shape lead(qe.shape().begin(), qe.shape().end() - 2);
  Shape flat = lead, out = lead;
  flat.push_back(L * (S + 1));
  out.insert(out.end(), {L, S});
  // Padded (i, c) sits at i (S + 1) + c; entry L + i S + j is (i, L - 1 - i + j) + 1 column.
  return reshape(narrow(reshape(pad(qe, pads), flat), -1, L, L * S), out);
}

namespace {

// E_r rows for distances -(S - 1) .. 0 out of a table for -(M - 1) .. 0.
Tensor relative_rows(const Tensor& rel_emb, int64_t S) {
  const int64_t M = rel_emb.size(0);
  return M >= S ? narrow(rel_emb, 0, M - S, S) : pad(rel_emb, {{S - M, 0}});
}

// 1 where query i (of L, the last L of S positions) must not see key j; [L, S], no history.
Tensor causal_block(int64_t L, int64_t S, DType dt, Device dev) {
  Tensor keys = to_dtype(Tensor::arange(S, DType::i64, dev), dt);
  Tensor queries = reshape(add(to_dtype(Tensor::arange(L, DType::i64, dev), dt), double(S - L)), {L, 1});
  return gt(keys, queries);
}

// yr[k] = exp(xr[k] · scale − m) for k < n; returns their sum. f32 on 16 lanes at a time
// (vec::exp, within 2 ulp; libm's scalar exp in f64 was a twentieth of a Transformer train
// step), f64 elsewhere. exp(−inf) — a padded key — stays exactly 0.
template <class T>
double shifted_exps(const T* xr, T* yr, int64_t n, T scale, T m) {
  double sum = 0;
  int64_t k = 0;
#ifdef __AVX512F__
  if constexpr (std::is_same_v<T, float>) {
    const __m512 sc = _mm512_set1_ps(scale), mv = _mm512_set1_ps(m), ninf = _mm512_set1_ps(-INFINITY);
    __m512 acc = _mm512_setzero_ps();
    for (; k + 16 <= n; k += 16) {
      const __m512 z = _mm512_sub_ps(_mm512_mul_ps(_mm512_loadu_ps(xr + k), sc), mv);
      const __m512 e = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(z, ninf, _CMP_NEQ_UQ), vec::exp(z));
      _mm512_storeu_ps(yr + k, e);
      acc = _mm512_add_ps(acc, e);
    }
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, acc);
    for (float f : lanes) sum += f;
  }
#endif
  for (; k < n; ++k) sum += (yr[k] = static_cast<T>(std::exp(static_cast<double>(static_cast<T>(xr[k] * scale) - m))));
  return sum;
}

// softmax(scores · scale) over the last axis of contiguous rows [.., L, S], leaving out the
// keys after each query's position when causal (as causal_block): what mul + where + softmax
// compute, in one pass over [B, H, L, S] instead of three; each exp once (shifted_exps).
template <class T>
void scaled_softmax_rows(const T* x, T* y, int64_t rows, int64_t L, int64_t S, T scale, bool causal) {
  cpu::parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(S, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t keys = causal ? std::min(S, S - L + r % L + 1) : S;  // the visible keys come first
      const T* xr = x + r * S;
      T* yr = y + r * S;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t k = 0; k < keys; ++k) m = std::max(m, static_cast<T>(xr[k] * scale));
      std::fill(yr + keys, yr + S, T(0));
      if (m == -std::numeric_limits<T>::infinity()) {  // every key masked: all-zero probabilities
        std::fill(yr, yr + keys, T(0));
        continue;
      }
      const T inv = static_cast<T>(1.0 / shifted_exps(xr, yr, keys, scale, m));
      for (int64_t k = 0; k < keys; ++k) yr[k] *= inv;
    }
  });
}

// dx = scale · y · (g − Σ g·y) over contiguous rows of S, in one pass per row (f64 sum):
// the first-order backward, which the four ops below would run as four passes over
// [B, H, L, S] with three temporaries (a sixth of a Transformer LM train step's time).
template <class T>
void scaled_softmax_backward_rows(const T* y, const T* g, T* dx, int64_t rows, int64_t S, T scale) {
  cpu::parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(S, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T *yr = y + r * S, *gr = g + r * S;
      double dot = 0;
      for (int64_t k = 0; k < S; ++k) dot += static_cast<double>(gr[k]) * yr[k];
      const T d = static_cast<T>(dot);
      for (int64_t k = 0; k < S; ++k) dx[r * S + k] = scale * yr[k] * (gr[k] - d);
    }
  });
}

// dx = scale · y · (g − Σ g·y) over the last axis, in ops: the gradient of softmax(scale · x)
// = y, as a graph that differentiates again.
Tensor scaled_softmax_vjp(const Tensor& y, const Tensor& g, double scale) {
  return mul(mul(y, sub(g, sum(mul(g, y), {-1}, true))), scale);
}

// The attention weights on the CPU. Backward: dx = scale · y · (g − Σ g·y); masked keys
// have y = 0, hence no gradient, as through where. With ops when a graph of the gradient
// is wanted (so it differentiates again), else one fused pass.
Tensor scaled_masked_softmax(const Tensor& scores, double scale, bool causal) {
  const int64_t L = scores.size(-2), S = scores.size(-1);
  const Tensor x = dense_untracked(scores);
  Tensor y = make_tensor(scores.shape(), scores.dtype(), scores.device());
  if (y.numel() > 0)
    dispatch_float(x.dtype(), "attention", [&]<class T>() {
      scaled_softmax_rows<T>(x.data<T>(), y.data<T>(), x.numel() / S, L, S, static_cast<T>(scale), causal);
    });
  record("attention_softmax", {scores}, {y}, {y},
         [scale](const std::vector<Tensor>& g, const std::vector<Tensor>& s) -> std::vector<Tensor> {
           if (GradMode::enabled()) return {scaled_softmax_vjp(s[0], g[0], scale)};
           const Tensor& y = s[0];
           const Tensor gy = dense_untracked(g[0]);
           Tensor dx = make_tensor(y.shape(), y.dtype(), y.device());
           const int64_t S = y.size(-1);
           if (dx.numel() > 0)
             dispatch_float(y.dtype(), "attention", [&]<class T>() {
               scaled_softmax_backward_rows<T>(y.data<T>(), gy.data<T>(), dx.data<T>(), y.numel() / S, S,
                                               static_cast<T>(scale));
             });
           return {dx};
         });
  return y;
}

// q kᵀ plus the relative term: the unscaled scores [B, H, L, S].
Tensor attention_scores(const Tensor& q, const Tensor& k, const Tensor& rel_emb) {
  Tensor scores = matmul(q, k, false, true);
  if (!rel_emb.defined()) return scores;
  return add(scores, relative_skew(matmul(q, relative_rows(rel_emb, k.size(2)), false, true)));
}

// Padding keys' scores at -inf (-inf · scale is still -inf, so before or after scaling).
Tensor mask_padding(const Tensor& scores, const Tensor& key_padding_mask) {
  if (!key_padding_mask.defined()) return scores;
  const Tensor minus_inf = scalar_like(scores, -std::numeric_limits<double>::infinity());
  Shape flags{scores.size(0), 1, 1, scores.size(-1)};
  return where(reshape(ne(key_padding_mask.detach(), 0.0), flags), minus_inf, scores);
}

double attention_scale(const Tensor& q) { return 1.0 / std::sqrt(static_cast<double>(q.size(3))); }

// The CPU's attention, for every floating call, gradients included: the products by BLAS
// and the weights in one pass (scaled_masked_softmax) instead of mul + where + softmax.
bool attention_cpu_supports(const Tensor& q, const Tensor&, const Tensor&, const Tensor&, const Tensor&, bool) {
  return is_floating(q.dtype());
}

// A [B, H, R, C] operand as the products read it: slice (b, h) = b * H + h starts at
// data + slice * step, its rows ld apart. Views that already have that form (a key/value
// cache's narrowed buffer, heads split out of a projection) are read in place; others are
// made dense once.
struct Slices {
  Tensor t;
  int64_t step = 0, ld = 0;

  explicit Slices(const Tensor& x) : t(x) {
    auto fits = [&] {
      const auto& st = t.strides();
      const int64_t B = t.size(0), H = t.size(1), R = t.size(2), C = t.size(3);
      if (C > 1 && st[3] != 1) return false;
      if (R > 1 && st[2] < C) return false;
      if (B > 1 && H > 1 && st[0] != st[1] * H) return false;
      step = H > 1 ? st[1] : st[0];
      ld = R > 1 ? st[2] : C;
      return true;
    };
    if (!fits()) {
      t = dense_untracked(x);
      fits();
    }
  }
  template <class T>
  const T* at(int64_t slice) const {
    return t.data<T>() + slice * step;
  }
};

// Attention without relative positions, over chunks of (batch, head) slices: per chunk the
// scores by BLAS, the weights in one pass, the output by BLAS, so the weights [B, H, L, S]
// never exist whole. The backward recomputes each chunk's weights from q and k rather than
// keeping them: a Transformer train step kept them for every layer (32 MB a layer at B16
// H8 L=S=256); now it keeps q, k, v, and the weights stay in cache between their products.
struct ChunkedAttention {
  Slices q, k, v;
  Tensor pad;  // f32 [B, S], 1 = padding key, or undefined
  bool causal = false;
  double scale = 1;
  int64_t B = 0, H = 0, L = 0, S = 0, D = 0, Dv = 0, chunk = 1;

  ChunkedAttention(const Tensor& q_, const Tensor& k_, const Tensor& v_, const Tensor& key_padding_mask, bool causal_)
      : q(q_.detach()),
        k(k_.detach()),
        v(v_.detach()),
        pad(key_padding_mask.defined() ? dense_untracked(padding_flags(key_padding_mask.detach())) : Tensor()),
        causal(causal_),
        scale(attention_scale(q_)),
        B(q_.size(0)),
        H(q_.size(1)),
        L(q_.size(2)),
        S(k_.size(2)),
        D(q_.size(3)),
        Dv(v_.size(3)) {
    // About 4 MB of weights per chunk, and a slice for every thread at least.
    chunk =
        std::min(B * H, std::max<int64_t>(cpu::num_threads(), (4 << 20) / (L * S * int64_t(dtype_size(q_.dtype())))));
  }

  Tensor buffer() const { return make_tensor({chunk, L, S}, q.t.dtype(), q.t.device()); }

  // The weights of slices [s0, s0 + n) into p [n, L, S].
  template <class T>
  void weights(int64_t s0, int64_t n, T* p) const {
    cpu::gemm_batched<T>(n, false, true, L, S, D, T(1), q.at<T>(s0), q.ld, q.step, k.at<T>(s0), k.ld, k.step, T(0), p,
                         S, L * S);
    if (pad.defined())
      for (int64_t i = 0; i < n; ++i) {
        const float* flags = pad.data<float>() + (s0 + i) / H * S;
        for (int64_t r = 0; r < L; ++r)
          for (int64_t j = 0; j < S; ++j)
            if (flags[j] != 0) p[(i * L + r) * S + j] = -std::numeric_limits<T>::infinity();
      }
    scaled_softmax_rows<T>(p, p, n * L, L, S, T(scale), causal);
  }

  Tensor forward() const {
    Tensor out = make_tensor({B, H, L, Dv}, q.t.dtype(), q.t.device());
    Tensor p = buffer();
    dispatch_float(q.t.dtype(), "attention", [&]<class T>() {
      for (int64_t s0 = 0; s0 < B * H; s0 += chunk) {
        const int64_t n = std::min(chunk, B * H - s0);
        weights<T>(s0, n, p.data<T>());
        cpu::gemm_batched<T>(n, false, false, L, Dv, S, T(1), p.data<T>(), S, L * S, v.at<T>(s0), v.ld, v.step, T(0),
                             out.data<T>() + s0 * L * Dv, Dv, L * Dv);
      }
    });
    return out;
  }

  // dq, dk, dv from the output's gradient g [B, H, L, Dv].
  std::vector<Tensor> backward(const Tensor& g_) const {
    const Tensor g = dense_untracked(g_);
    const DType dt = q.t.dtype();
    const Device dev = q.t.device();
    Tensor dq = make_tensor({B, H, L, D}, dt, dev), dk = make_tensor({B, H, S, D}, dt, dev);
    Tensor dv = make_tensor({B, H, S, Dv}, dt, dev);
    Tensor p = buffer(), dp = buffer();
    dispatch_float(dt, "attention", [&]<class T>() {
      for (int64_t s0 = 0; s0 < B * H; s0 += chunk) {
        const int64_t n = std::min(chunk, B * H - s0);
        const T* gs = g.data<T>() + s0 * L * Dv;
        weights<T>(s0, n, p.data<T>());
        // dv = pᵀ g; d(weights) = g vᵀ, then through the softmax in place; dq = ds k; dk = dsᵀ q.
        cpu::gemm_batched<T>(n, true, false, S, Dv, L, T(1), p.data<T>(), S, L * S, gs, Dv, L * Dv, T(0),
                             dv.data<T>() + s0 * S * Dv, Dv, S * Dv);
        cpu::gemm_batched<T>(n, false, true, L, S, Dv, T(1), gs, Dv, L * Dv, v.at<T>(s0), v.ld, v.step, T(0),
                             dp.data<T>(), S, L * S);
        scaled_softmax_backward_rows<T>(p.data<T>(), dp.data<T>(), dp.data<T>(), n * L, S, T(scale));
        cpu::gemm_batched<T>(n, false, false, L, D, S, T(1), dp.data<T>(), S, L * S, k.at<T>(s0), k.ld, k.step, T(0),
                             dq.data<T>() + s0 * L * D, D, L * D);
        cpu::gemm_batched<T>(n, true, false, S, D, L, T(1), dp.data<T>(), S, L * S, q.at<T>(s0), q.ld, q.step, T(0),
                             dk.data<T>() + s0 * S * D, D, S * D);
      }
    });
    return {dq, dk, dv};
  }
};

Tensor chunked_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                         bool causal) {
  auto a = std::make_shared<ChunkedAttention>(q, k, v, key_padding_mask, causal);
  Tensor out = a->forward();
  const Tensor mask = key_padding_mask.defined() ? key_padding_mask.detach() : Tensor();
  record("attention", {q, k, v}, {out}, {q, k, v},
         [a, mask, causal](const std::vector<Tensor>& g, const std::vector<Tensor>& s) -> std::vector<Tensor> {
           if (!GradMode::enabled()) return a->backward(g[0]);
           // A graph of the gradient is wanted (to differentiate again): the same formulas in ops.
           const Tensor &q = s[0], &k = s[1], &v = s[2];
           const Tensor p = scaled_masked_softmax(mask_padding(matmul(q, k, false, true), mask), a->scale, causal);
           const Tensor dp = matmul(g[0], v, false, true);
           const Tensor ds = scaled_softmax_vjp(p, dp, a->scale);
           return {matmul(ds, k), matmul(ds, q, true, false), matmul(p, g[0], true, false)};
         });
  return out;
}

Tensor attention_cpu(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                     const Tensor& rel_emb, bool causal) {
  if (!rel_emb.defined() && q.size(2) > 0 && k.size(2) > 0) return chunked_attention(q, k, v, key_padding_mask, causal);
  Tensor scores = mask_padding(attention_scores(q, k, rel_emb), key_padding_mask);
  return matmul(scaled_masked_softmax(scores, attention_scale(q), causal), v);
}

}  // namespace

FusedAttentionKernel fused_attention_kernel("fused_attention", {&attention_cpu_supports, &attention_cpu});

Tensor padding_flags(const Tensor& key_padding_mask) {
  return key_padding_mask.defined() ? to_dtype(ne(key_padding_mask, 0.0), DType::f32) : Tensor();
}

bool fused_attention_fits(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& key_padding_mask,
                          const Tensor& rel_emb) {
  for (const Tensor* t : {&k, &v, &key_padding_mask, &rel_emb})
    if (t->defined() && t->device() != q.device()) return false;
  for (const Tensor* t : {&q, &k, &v, &rel_emb})
    if (t->defined() && t->dtype() != DType::f32) return false;
  return k.size(2) <= kFusedAttentionMaxKeys && q.size(3) <= kFusedAttentionMaxDim &&
         !needs_grad({&q, &k, &v, &rel_emb});
}

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, bool causal, const Tensor& key_padding_mask,
                 const Tensor& rel_emb) {
  CADENZA_CHECK(q.dim() == 4 && k.dim() == 4 && v.dim() == 4 && q.size(0) == k.size(0) && q.size(1) == k.size(1) &&
                    q.size(3) == k.size(3) &&
                    Shape(k.shape().begin(), k.shape().end() - 1) == Shape(v.shape().begin(), v.shape().end() - 1),
                "attention: q {}, k {}, v {} must be [B, H, L, D], [B, H, S, D], [B, H, S, Dv]", shape_str(q.shape()),
                shape_str(k.shape()), shape_str(v.shape()));
  const int64_t B = q.size(0), L = q.size(2), S = k.size(2), D = q.size(3);
  if (rel_emb.defined()) {
    CADENZA_CHECK(causal && L <= S,
                  "attention: relative positions need causal attention with L <= S, got q {} and k {}{}",
                  shape_str(q.shape()), shape_str(k.shape()), causal ? "" : " without causal");
    CADENZA_CHECK(rel_emb.dim() == 2 && rel_emb.size(1) == D, "attention: rel_emb {} must be [M, D] with D = {}",
                  shape_str(rel_emb.shape()), D);
  }
  if (key_padding_mask.defined())
    CADENZA_CHECK(key_padding_mask.shape() == Shape({B, S}), "attention: key_padding_mask {} must be [B, S] = {}",
                  shape_str(key_padding_mask.shape()), shape_str({B, S}));
  if (auto fused = fused_attention_kernel(q.device(), q, k, v, key_padding_mask, rel_emb, causal)) return *fused;
  // The chain of ops every backend runs.
  Tensor scores = mul(attention_scores(q, k, rel_emb), attention_scale(q));
  if (causal)
    scores = where(causal_block(L, S, scores.dtype(), scores.device()),
                   scalar_like(scores, -std::numeric_limits<double>::infinity()), scores);
  return matmul(softmax(mask_padding(scores, key_padding_mask), -1), v);
}

// ---- registry samples
namespace {
using testing::uniform_input;
using Fn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
const bool registered = [] {
  OpRegistry::add({"relative_skew", true, [](DType dt) {
                     return std::vector<OpSample>{
                         {"[2,1,3,3]", {uniform_input({2, 1, 3, 3}, dt)}, [](const std::vector<Tensor>& x) {
                            return std::vector<Tensor>{relative_skew(x[0])};
                          }}};
                   }});
  OpRegistry::add(
      {"attention", true, [](DType dt) {
         auto qkv = [dt](int64_t L, int64_t S) {
           return std::vector<Tensor>{uniform_input({2, 2, L, 3}, dt), uniform_input({2, 2, S, 3}, dt),
                                      uniform_input({2, 2, S, 2}, dt)};
         };
         // Batch 0 pads key 2; batch 1 pads key 0, which leaves its first query with no key.
         // The padding mask is an input (integer, so never differentiated) rather than a
         // captured tensor, so a backend test can move it with the rest.
         Tensor pads = Tensor::from_vector<int64_t>({0, 0, 1, 1, 0, 0}, {2, 3});
         std::vector<Tensor> rel_in = qkv(3, 3), cache_in = qkv(2, 4), padded = qkv(2, 3);
         rel_in.push_back(uniform_input({4, 3}, dt));
         cache_in.push_back(uniform_input({3, 3}, dt));
         std::vector<Tensor> rel_padded = rel_in;
         padded.push_back(pads);
         rel_padded.push_back(pads);
         return std::vector<OpSample>{
             {"L=2 S=3", qkv(2, 3),
              [](const std::vector<Tensor>& x) { return std::vector<Tensor>{attention(x[0], x[1], x[2])}; }},
             {"causal L=2 S=3, key padding", padded,
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{attention(x[0], x[1], x[2], true, x[3])};
              }},
             {"causal relative L=S=3, M=4", rel_in,
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{attention(x[0], x[1], x[2], true, {}, x[3])};
              }},
             {"causal relative L=2 S=4, M=3 (cache step)", cache_in,
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{attention(x[0], x[1], x[2], true, {}, x[3])};
              }},
             {"causal relative, fully masked row", rel_padded,
              [](const std::vector<Tensor>& x) {
                return std::vector<Tensor>{attention(x[0], x[1], x[2], true, x[4], x[3])};
              }},
         };
       }});
  return true;
}();
}  // namespace

}  // namespace cadenza
