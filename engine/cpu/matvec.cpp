// gcc 12's AVX-512 header warns, wherever an unmasked intrinsic is inlined, that a value
// inside the header is used uninitialised (gcc bug 105593); the warning's location is the
// header, so it is silenced for the header alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "engine/cpu/matvec.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "engine/cpu/parallel.h"

namespace cadenza::cpu {
namespace {

// Runs fn(r0, r1) over [0, rows) as one contiguous slab of rows per thread (a multiple of
// the kernel's 4-row block), or on the calling thread when the weights are under 64 KiB.
// A batch-1 product streams each thread's slab in a few microseconds; the finer tasks of
// an auto-partitioned loop only added scheduling and stealing to that (a fifth of a
// sampling step's time went to TBB with them).
template <class Fn>
void split_rows(int64_t rows, int64_t row_bytes, Fn&& fn) {
  const int64_t parts = std::clamp<int64_t>(rows * row_bytes / (64 << 10), 1, num_threads());
  const int64_t chunk = ((rows + parts - 1) / parts + 3) / 4 * 4;
  parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p)
      if (p * chunk < rows) fn(p * chunk, std::min(rows, (p + 1) * chunk));
  });
}

#ifdef __AVX512F__
float hsum(__m512 v) {
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, v);
  float s = 0;
  for (float f : lanes) s += f;
  return s;
}

// out[i] = the sum of the lanes of a[i] for i < 4, in a tree of shuffles: one horizontal
// sum per row, done serially, cost as much as the row's dot product at these sizes.
void hsum4(const __m512* a, float* out) {
  const __m512 t0 = _mm512_add_ps(_mm512_unpacklo_ps(a[0], a[1]), _mm512_unpackhi_ps(a[0], a[1]));
  const __m512 t1 = _mm512_add_ps(_mm512_unpacklo_ps(a[2], a[3]), _mm512_unpackhi_ps(a[2], a[3]));
  // Each 128-bit lane now holds [a0, a1, a0, a1] and [a2, a3, a2, a3] partial sums.
  const __m512 u = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t1))),
                                 _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t1))));
  // Each 128-bit lane: [a0, a1, a2, a3]; add the four lanes.
  const __m512 v = _mm512_add_ps(u, _mm512_shuffle_f32x4(u, u, 0x4E));
  _mm512_mask_storeu_ps(out, 0xF, _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, 0xB1)));
}

template <int N>
void hsum_rows(const __m512* acc, float* out) {
  if constexpr (N == 4)
    hsum4(acc, out);
  else
    for (int i = 0; i < N; ++i) out[i] = hsum(acc[i]);
}
#endif

// out[j * ldo + i] = Σ_k W[i, k] X[j, k] for i < R, j < C: each load of a weight row serves
// the C rows of X and each load of an X row the R weight rows, R·C sums in registers.
template <int R, int C>
void dot_block(const float* w, int64_t ldw, int64_t cols, const float* x, int64_t ldx, float* out, int64_t ldo) {
#ifdef __AVX512F__
  __m512 acc[C][R];
#pragma GCC unroll 4
  for (int j = 0; j < C; ++j)
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) acc[j][i] = _mm512_setzero_ps();
  for (int64_t k = 0; k < cols; k += 16) {
    const __mmask16 mask = cols - k >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (cols - k)) - 1);
    __m512 wv[R];
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) wv[i] = _mm512_maskz_loadu_ps(mask, w + i * ldw + k);
#pragma GCC unroll 4
    for (int j = 0; j < C; ++j) {
      const __m512 xv = _mm512_maskz_loadu_ps(mask, x + j * ldx + k);
#pragma GCC unroll 4
      for (int i = 0; i < R; ++i) acc[j][i] = _mm512_fmadd_ps(wv[i], xv, acc[j][i]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < C; ++j) hsum_rows<R>(acc[j], out + j * ldo);
#else
  for (int j = 0; j < C; ++j)
    for (int i = 0; i < R; ++i) {
      float s = 0;
      for (int64_t k = 0; k < cols; ++k) s += w[i * ldw + k] * x[j * ldx + k];
      out[j * ldo + i] = s;
    }
#endif
}

// out[i] = Σ_k W[i, k] x[k] for i < N, f32 weights: N rows share each load of x.
template <int N>
void dot_rows(const float* w, int64_t ldw, int64_t cols, const float* x, float* out) {
  dot_block<N, 1>(w, ldw, cols, x, 0, out, 0);
}

// bf16 rows read 32 weights at a time as 16 32-bit lanes: lane j holds w[k + 2j] in its low
// half and w[k + 2j + 1] in its high half, and a bf16 is the high half of an f32, so
// `lane << 16` and `lane & 0xFFFF0000` are the even and the odd weights as exact f32s —
// two integer ops instead of a cross-lane widening per 16 weights (which made the bf16
// kernel slower per weight than the f32 one on AMD Zen 4). x must then come split the
// same way: split_pairs() stores, per block of 32 columns, the 16 even-indexed values and
// then the 16 odd ones, zero-padded to whole blocks.
constexpr int64_t kPairBlock = 32;
int64_t split_length(int64_t cols) { return (cols + kPairBlock - 1) / kPairBlock * kPairBlock; }

void split_pairs(const float* x, int64_t cols, float* out) {
  for (int64_t b = 0; b < cols; b += kPairBlock)
    for (int64_t j = 0; j < kPairBlock / 2; ++j) {
      const int64_t even = b + 2 * j, odd = even + 1;
      out[b + j] = even < cols ? x[even] : 0.f;
      out[b + kPairBlock / 2 + j] = odd < cols ? x[odd] : 0.f;
    }
}

// out[i] = Σ_k W[i, k] x[k] for i < N, bf16 weights, xs = split_pairs(x).
template <int N>
void dot_rows(const uint16_t* w, int64_t ldw, int64_t cols, const float* xs, float* out) {
#ifdef __AVX512BW__
  __m512 even[N], odd[N];  // separate sums, so no FMA waits on the one before it
#pragma GCC unroll 4
  for (int i = 0; i < N; ++i) even[i] = odd[i] = _mm512_setzero_ps();
  const __m512i high = _mm512_set1_epi32(int32_t(0xFFFF0000u));
  for (int64_t k = 0; k < cols; k += kPairBlock) {
    const int64_t left = cols - k;
    const __mmask32 mask = left >= kPairBlock ? ~__mmask32(0) : __mmask32((1u << left) - 1);
    __m512 xe = _mm512_loadu_ps(xs + k), xo = _mm512_loadu_ps(xs + k + kPairBlock / 2);
    // Keeps x in registers: gcc otherwise folds its load into each of the 2N FMAs, and
    // Zen 4 loads one 512-bit operand per cycle, so those loads, not the FMAs, set the pace.
    asm("" : "+v"(xe), "+v"(xo));
#pragma GCC unroll 4
    for (int i = 0; i < N; ++i) {
      const __m512i v = _mm512_maskz_loadu_epi16(mask, w + i * ldw + k);
      even[i] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), xe, even[i]);
      odd[i] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, high)), xo, odd[i]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < N; ++i) even[i] = _mm512_add_ps(even[i], odd[i]);
  hsum_rows<N>(even, out);
#else
  for (int i = 0; i < N; ++i) {
    float s = 0;
    for (int64_t k = 0; k < cols; ++k) {
      const int64_t b = k / kPairBlock * kPairBlock, j = k - b;
      s += from_bf16(w[i * ldw + k]) * xs[b + (j % 2) * (kPairBlock / 2) + j / 2];
    }
    out[i] = s;
  }
#endif
}

// Rows [r0, r1) of y = W x (+ y); x as dot_rows<N, W> wants it.
template <class W>
void matvec_rows(const W* w, int64_t ldw, int64_t r0, int64_t r1, int64_t cols, const float* x, float* y,
                 bool accumulate) {
  constexpr int kRows = 4;
  float d[kRows];
  for (int64_t r = r0; r < r1;) {
    const int n = r1 - r >= kRows ? kRows : 1;
    if (n == kRows)
      dot_rows<kRows>(w + r * ldw, ldw, cols, x, d);
    else
      dot_rows<1>(w + r * ldw, ldw, cols, x, d);
    for (int i = 0; i < n; ++i) y[r + i] = accumulate ? y[r + i] + d[i] : d[i];
    r += n;
  }
}

}  // namespace

uint16_t to_bf16(float v) {
  uint32_t u = std::bit_cast<uint32_t>(v);
  if ((u & 0x7F800000u) == 0x7F800000u) return uint16_t(u >> 16 | ((u & 0xFFFFu) ? 0x40u : 0u));  // inf, NaN
  u += 0x7FFFu + ((u >> 16) & 1u);  // round to nearest, ties to even
  return uint16_t(u >> 16);
}

float from_bf16(uint16_t v) { return std::bit_cast<float>(uint32_t(v) << 16); }

Bf16Matrix Bf16Matrix::from_f32(const float* w, int64_t rows, int64_t cols) {
  Bf16Matrix m{rows, cols, std::vector<uint16_t>(size_t(rows * cols))};
  for (int64_t i = 0; i < rows * cols; ++i) m.data[size_t(i)] = to_bf16(w[i]);
  return m;
}

float Bf16Matrix::at(int64_t r, int64_t c) const { return from_bf16(data[size_t(r * cols + c)]); }

void matvec(const float* W, int64_t ldw, int64_t rows, int64_t cols, const float* x, float* y, bool accumulate) {
  split_rows(rows, cols * 4, [&](int64_t r0, int64_t r1) { matvec_rows(W, ldw, r0, r1, cols, x, y, accumulate); });
}

namespace {

// y = A a + B b over [0, rows), one slab of both matrices' rows per thread; a and b as
// matvec_rows<W> wants them.
template <class W>
void pair_rows(const W* A, int64_t lda, int64_t cols_a, const float* a, const W* B, int64_t ldb, int64_t cols_b,
               const float* b, int64_t rows, float* y) {
  split_rows(rows, (cols_a + cols_b) * int64_t(sizeof(W)), [&](int64_t r0, int64_t r1) {
    matvec_rows(A, lda, r0, r1, cols_a, a, y, false);
    matvec_rows(B, ldb, r0, r1, cols_b, b, y, true);
  });
}

}  // namespace

void matvec_pair(const float* A, int64_t lda, int64_t cols_a, const float* a, const float* B, int64_t ldb,
                 int64_t cols_b, const float* b, int64_t rows, float* y) {
  pair_rows(A, lda, cols_a, a, B, ldb, cols_b, b, rows, y);
}

namespace {

// Rows [r0, r1) of Y[m] = W X[m] (+ Y[m]) for m < M, C rows of X at a time.
template <int C>
void small_block(const float* W, int64_t ldw, int64_t r, int64_t cols, const float* X, int64_t ldx, float* Y,
                 int64_t ldy, bool accumulate) {
  float d[C * 4];
  dot_block<4, C>(W + r * ldw, ldw, cols, X, ldx, d, 4);
  for (int j = 0; j < C; ++j)
    for (int i = 0; i < 4; ++i) {
      float& y = Y[j * ldy + r + i];
      y = accumulate ? y + d[j * 4 + i] : d[j * 4 + i];
    }
}

void small_rows(const float* W, int64_t ldw, int64_t r0, int64_t r1, int64_t cols, int64_t M, const float* X,
                int64_t ldx, float* Y, int64_t ldy, bool accumulate) {
  int64_t r = r0;
  for (; r + 4 <= r1; r += 4)
    for (int64_t m = 0; m < M; m += 4) {
      const float* x = X + m * ldx;
      float* y = Y + m * ldy;
      switch (std::min<int64_t>(4, M - m)) {
        case 4: small_block<4>(W, ldw, r, cols, x, ldx, y, ldy, accumulate); break;
        case 3: small_block<3>(W, ldw, r, cols, x, ldx, y, ldy, accumulate); break;
        case 2: small_block<2>(W, ldw, r, cols, x, ldx, y, ldy, accumulate); break;
        default: small_block<1>(W, ldw, r, cols, x, ldx, y, ldy, accumulate); break;
      }
    }
  for (int64_t m = 0; m < M && r < r1; ++m) matvec_rows(W, ldw, r, r1, cols, X + m * ldx, Y + m * ldy, accumulate);
}

}  // namespace

void matmul_small(const float* W, int64_t ldw, int64_t rows, int64_t cols, int64_t M, const float* X, int64_t ldx,
                  float* Y, int64_t ldy, bool accumulate) {
  split_rows(rows, cols * 4,
             [&](int64_t r0, int64_t r1) { small_rows(W, ldw, r0, r1, cols, M, X, ldx, Y, ldy, accumulate); });
}

void matvec_pair(const Bf16Matrix& A, const float* a, const Bf16Matrix& B, const float* b, float* y) {
  std::vector<float> as(size_t(split_length(A.cols))), bs(size_t(split_length(B.cols)));
  split_pairs(a, A.cols, as.data());
  split_pairs(b, B.cols, bs.data());
  pair_rows(A.data.data(), A.cols, A.cols, as.data(), B.data.data(), B.cols, B.cols, bs.data(), A.rows, y);
}

void matmul_bf16(const Bf16Matrix& W, int64_t M, const float* X, int64_t ldx, float* Y, int64_t ldy, bool accumulate) {
  const int64_t ls = split_length(W.cols);
  std::vector<float> xs(size_t(M * ls));
  for (int64_t m = 0; m < M; ++m) split_pairs(X + m * ldx, W.cols, xs.data() + m * ls);
  // Within a thread's slab (megabytes at LSTM sizes), blocks of about 64 KiB of weights stay
  // in cache while every row of X passes over them.
  const int64_t block = std::max<int64_t>(4, (64 << 10) / std::max<int64_t>(1, W.cols * 2) / 4 * 4);
  split_rows(W.rows, W.cols * 2, [&](int64_t r0, int64_t r1) {
    for (int64_t b0 = r0; b0 < r1; b0 += block)
      for (int64_t m = 0; m < M; ++m)
        matvec_rows(W.data.data(), W.cols, b0, std::min(r1, b0 + block), W.cols, xs.data() + m * ls, Y + m * ldy,
                    accumulate);
  });
}

}  // namespace cadenza::cpu
