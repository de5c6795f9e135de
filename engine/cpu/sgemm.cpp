// gcc 12's AVX-512 header warns, wherever an unmasked intrinsic is inlined, that a value
// inside the header is used uninitialised (gcc bug 105593); silenced for the header alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "engine/cpu/sgemm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#ifdef __AVX512F__
namespace cadenza::cpu {
namespace {

// The micro-tile: 6 rows of C by 64 columns (four zmm), 24 accumulators plus four B vectors
// and a broadcast A value: 29 of the 32 registers. Per k it loads 4 vectors and broadcasts 6
// values for 24 FMAs; a 12 x 32 tile (the shape BLIS uses on Skylake-X) broadcasts 12 for
// the same 24, and on AMD Zen 5 ran the largest LSTM product 30% slower, the others about
// as fast (bench/RESULTS.md).
constexpr int kMR = kSgemmTileRows, kNV = kSgemmTileCols / 16, kNR = kSgemmTileCols;
// Panels: a KC x NR sliver of B (64 KiB) serves the 16 MR-row slivers (6 KiB each) of an MC x
// KC block of A in turn; the KC x NC block of B (2 MiB) stays in L2/L3 across the A blocks.
// Chosen by measurement among KC 192/256/384, MC 16-48 slivers, NC 8-32 slivers.
constexpr int64_t kKC = 256, kMC = 16 * kMR, kNC = 32 * kNR;

// A thread's packing buffer, grown to the largest panel it has needed (at most MC x KC of A
// and KC x NC of B, 2.1 MiB) and kept: products of a batch-1 step stay at a few kilobytes.
class Panel {
 public:
  float* get(int64_t floats) {
    if (floats > size_) {
      const int64_t whole = (floats + 15) / 16 * 16;  // aligned_alloc takes whole multiples of 64 bytes
      data_.reset(static_cast<float*>(std::aligned_alloc(64, size_t(whole) * sizeof(float))));
      if (!data_) throw std::bad_alloc();
      size_ = whole;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float[], Free> data_;
  int64_t size_ = 0;
};

struct Panels {
  Panel a, b;
};

Panels& panels() {
  thread_local Panels p;
  return p;
}

// r[j] = column j of the 16 x 16 block whose rows are r[0..15]: pairs of rows interleave,
// then pairs of pairs, within each 128-bit lane; then the lanes are gathered across.
void transpose16(__m512* r) {
  __m512 t[16], u[16];
  for (int m = 0; m < 8; ++m) {
    t[2 * m] = _mm512_unpacklo_ps(r[2 * m], r[2 * m + 1]);
    t[2 * m + 1] = _mm512_unpackhi_ps(r[2 * m], r[2 * m + 1]);
  }
  // u[4q + c], in lane L: column 4L + c of rows 4q .. 4q + 3.
  for (int q = 0; q < 4; ++q) {
    u[4 * q] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], 0x44);
    u[4 * q + 1] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], 0xEE);
    u[4 * q + 2] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0x44);
    u[4 * q + 3] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 x0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88), x1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
    const __m512 y0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
    const __m512 y1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
    r[c] = _mm512_shuffle_f32x4(x0, y0, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(x1, y1, 0x88);
    r[8 + c] = _mm512_shuffle_f32x4(x0, y0, 0xDD);
    r[12 + c] = _mm512_shuffle_f32x4(x1, y1, 0xDD);
  }
}

__mmask16 first(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1); }

// out[k * width + j] = scale · src[j * ld + k] for j < rows (zero for rows <= j < 16), k < kc:
// 16 strided rows become k-major columns, 16 x 16 at a time through registers.
void pack_transposed(const float* src, int64_t ld, int64_t rows, int64_t kc, float scale, float* out, int width) {
  const __m512 sv = _mm512_set1_ps(scale);
  const __mmask16 store = first(width);
  for (int64_t k = 0; k < kc; k += 16) {
    const __mmask16 cols = first(kc - k);
    __m512 r[16];
    for (int j = 0; j < 16; ++j)
      r[j] = j < rows ? _mm512_mul_ps(sv, _mm512_maskz_loadu_ps(cols, src + j * ld + k)) : _mm512_setzero_ps();
    transpose16(r);
    for (int64_t kk = 0; kk < std::min<int64_t>(16, kc - k); ++kk)
      _mm512_mask_storeu_ps(out + (k + kk) * width, store, r[kk]);
  }
}

// Rows [i0, i0 + mc) and columns [p0, p0 + kc) of alpha * op(A), as MR-row slivers, each
// stored k-major (MR values per k), rows past mc zero.
void pack_a(bool ta, const float* A, int64_t lda, float alpha, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
            float* out) {
  if (ta) {
    // op(A)[i, k] = A[k, i]: row k of A holds every sliver's values for k, read once in order.
    const __m512 av = _mm512_set1_ps(alpha);
    for (int64_t k = 0; k < kc; ++k) {
      const float* src = A + (p0 + k) * lda + i0;
      for (int64_t s = 0; s < mc; s += kMR)
        _mm512_mask_storeu_ps(out + s * kc + k * kMR, first(kMR),
                              _mm512_mul_ps(av, _mm512_maskz_loadu_ps(first(std::min<int64_t>(kMR, mc - s)), src + s)));
    }
    return;
  }
  for (int64_t s = 0; s < mc; s += kMR)
    pack_transposed(A + (i0 + s) * lda + p0, lda, std::min<int64_t>(kMR, mc - s), kc, alpha, out + s * kc, kMR);
}

// Rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B), as NR-column slivers, each stored
// k-major (NR values per k), columns past nc zero.
void pack_b(bool tb, const float* B, int64_t ldb, int64_t j0, int64_t nc, int64_t p0, int64_t kc, float* out) {
  for (int64_t t = 0; t < nc; t += kNR, out += kNR * kc) {
    const int64_t cols = std::min<int64_t>(kNR, nc - t);
    if (tb) {  // op(B)[k, j] = B[j, k]: the sliver's columns are rows of B, 16 at a time
      for (int64_t h = 0; h < kNR; h += 16)
        pack_transposed(B + (j0 + t + h) * ldb + p0, ldb, std::max<int64_t>(0, cols - h), kc, 1.f, out + h, kNR);
    } else {
      __mmask16 mask[kNV];
      for (int v = 0; v < kNV; ++v) mask[v] = first(std::max<int64_t>(0, cols - 16 * v));
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = B + (p0 + k) * ldb + j0 + t;
        for (int v = 0; v < kNV; ++v)
          _mm512_store_ps(out + k * kNR + 16 * v, _mm512_maskz_loadu_ps(mask[v], src + 16 * v));
      }
    }
  }
}

// Where a micro-tile's A comes from: a packed sliver (element (i, k) at a[k * MR + i], rows
// past m zero), or A itself when it is row-major (at a[i * lda + k]; rows past m are read
// from row 0 and their sums dropped). Reading A in place skips packing it, which costs more
// than it saves when each sliver of A meets only one or two slivers of B.
struct PackedA {
  const float* a;
  const float* at(int i, int64_t k) const { return a + k * kMR + i; }
};
struct RowsOfA {
  const float* rows[kMR];
  RowsOfA(const float* a, int64_t lda, int m) {
    for (int i = 0; i < kMR; ++i) rows[i] = a + (i < m ? i : 0) * lda;
  }
  const float* at(int i, int64_t k) const { return rows[i] + k; }
};

// C[0:m, 0:n] = alpha·a·b + beta·C for one MR x NR tile (m <= MR, n <= NR), b a packed
// sliver; with beta 0, C is only written.
// NV of the tile's kNV column vectors are computed: a last sliver of n <= 16 (NV - 1)
// columns (a vocabulary of 390 leaves 6) skips the vectors past n.
template <int NV, class ATile>
void micro_kernel(int64_t kc, const ATile& a, const float* b, float* c, int64_t ldc, int m, int n, float alpha,
                  float beta) {
  __m512 acc[kMR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < kMR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      acc[i][v] = _mm512_setzero_ps();
      // C's tile is read or written only after the k loop: its lines are on their way by then.
      if (i < m) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * v), _MM_HINT_T0);
    }
  for (int64_t k = 0; k < kc; ++k, b += kNR) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i) {
      const __m512 ai = _mm512_set1_ps(*a.at(i, k));
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  __mmask16 mask[NV];
  for (int v = 0; v < NV; ++v) mask[v] = first(std::max(0, n - 16 * v));
  const __m512 av = _mm512_set1_ps(alpha), betav = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < kMR; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 r = acc[i][v];
      if (alpha != 1.f) r = _mm512_mul_ps(av, r);
      if (beta != 0.f) r = _mm512_fmadd_ps(betav, _mm512_maskz_loadu_ps(mask[v], row + 16 * v), r);
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
    }
  }
}

// One tile, with as many column vectors as its n columns need.
template <class ATile>
void tile(int64_t kc, const ATile& a, const float* b, float* c, int64_t ldc, int m, int n, float alpha, float beta) {
  static_assert(kNV == 4);
  switch ((n + 15) / 16) {
    case 1: return micro_kernel<1>(kc, a, b, c, ldc, m, n, alpha, beta);
    case 2: return micro_kernel<2>(kc, a, b, c, ldc, m, n, alpha, beta);
    case 3: return micro_kernel<3>(kc, a, b, c, ldc, m, n, alpha, beta);
    default: return micro_kernel<4>(kc, a, b, c, ldc, m, n, alpha, beta);
  }
}

// C = beta·C (beta 0 writes zeros, whatever C held): a product with nothing to sum.
void scale(int64_t M, int64_t N, float beta, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta == 0.f ? 0.f : beta * C[i * ldc + j];
}

}  // namespace

void sgemm_packed(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) return scale(M, N, beta, C, ldc);
  Panels& p = panels();
  // A row-major A meeting at most two slivers of B is read in place (see RowsOfA).
  const bool direct_a = !ta && N <= 2 * kNR;
  // K in equal blocks of at most KC: a short last block would pay a full pass over C.
  const int64_t kblocks = (K + kKC - 1) / kKC, kstep = (K + kblocks - 1) / kblocks;
  // Panels for the largest blocks this product has: rounded up to whole slivers.
  const int64_t nfirst = std::min(kNC, N), mfirst = std::min(kMC, M);
  float* const bp = p.b.get(kstep * ((nfirst + kNR - 1) / kNR * kNR));
  float* const ap = direct_a ? nullptr : p.a.get(kstep * ((mfirst + kMR - 1) / kMR * kMR));
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kstep) {
      const int64_t kc = std::min(kstep, K - pc);
      pack_b(tb, B, ldb, jc, nc, pc, kc, bp);
      const float beta_here = pc == 0 ? beta : 1.f;  // later K blocks add to what the first wrote
      for (int64_t ic = 0; ic < M; ic += kMC) {
        const int64_t mc = std::min(kMC, M - ic);
        if (!direct_a) pack_a(ta, A, lda, alpha, ic, mc, pc, kc, ap);
        for (int64_t jr = 0; jr < nc; jr += kNR)
          for (int64_t ir = 0; ir < mc; ir += kMR) {
            const int m = int(std::min<int64_t>(kMR, mc - ir)), n = int(std::min<int64_t>(kNR, nc - jr));
            float* c = C + (ic + ir) * ldc + jc + jr;
            const float* b = bp + jr * kc;
            if (direct_a)
              tile(kc, RowsOfA(A + (ic + ir) * lda + pc, lda, m), b, c, ldc, m, n, alpha, beta_here);
            else
              tile(kc, PackedA{ap + ir * kc}, b, c, ldc, m, n, 1.f, beta_here);
          }
      }
    }
  }
}

}  // namespace cadenza::cpu
#endif
