#include "engine/cpu/matvec.h"

#include <bit>
#include <cstring>
#include <immintrin.h>

#include "engine/cpu/parallel.h"

namespace cadenza::cpu {
namespace {

// Rows per parallel chunk: enough work (≥ 64 KiB of weights) to be worth a task.
int64_t row_grain(int64_t cols, int64_t bytes_per_weight) {
  return std::max<int64_t>(16, (64 << 10) / std::max<int64_t>(1, cols * bytes_per_weight));
}

#ifdef __AVX512F__
float hsum(__m512 v) {
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, v);
  float s = 0;
  for (float f : lanes) s += f;
  return s;
}

// 16 weights at w (f32 or bf16) as f32 lanes; `mask` selects the valid ones of a tail.
__m512 load_weights(const float* w, __mmask16 mask) { return _mm512_maskz_loadu_ps(mask, w); }
__m512 load_weights(const uint16_t* w, __mmask16 mask) {
  __m256i h = _mm256_maskz_loadu_epi16(mask, w);
  return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, _mm512_maskz_cvtepu16_epi32(0xFFFF, h), 16));
}
#else
float widen(float w) { return w; }
float widen(uint16_t w) { return from_bf16(w); }
#endif

// out[i] = Σ_k W[i, k] x[k] for i < N: N rows share each load of x, their sums stay in
// registers.
template <int N, class W>
void dot_rows(const W* w, int64_t ldw, int64_t cols, const float* x, float* out) {
#ifdef __AVX512F__
  __m512 acc[N];
  for (int i = 0; i < N; ++i) acc[i] = _mm512_setzero_ps();
  for (int64_t k = 0; k < cols; k += 16) {
    const __mmask16 mask = cols - k >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (cols - k)) - 1);
    const __m512 xv = _mm512_maskz_loadu_ps(mask, x + k);
    for (int i = 0; i < N; ++i) acc[i] = _mm512_fmadd_ps(load_weights(w + i * ldw + k, mask), xv, acc[i]);
  }
  for (int i = 0; i < N; ++i) out[i] = hsum(acc[i]);
#else
  for (int i = 0; i < N; ++i) {
    float s = 0;
    for (int64_t k = 0; k < cols; ++k) s += widen(w[i * ldw + k]) * x[k];
    out[i] = s;
  }
#endif
}

// Rows [r0, r1) of y = W x (+ y).
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
  parallel_for(rows, row_grain(cols, 4),
               [&](int64_t r0, int64_t r1) { matvec_rows(W, ldw, r0, r1, cols, x, y, accumulate); });
}

void matmul_bf16(const Bf16Matrix& W, int64_t M, const float* X, int64_t ldx, float* Y, int64_t ldy,
                 bool accumulate) {
  // Each chunk of weight rows stays in cache while every row of X passes over it.
  parallel_for(W.rows, row_grain(W.cols, 2), [&](int64_t r0, int64_t r1) {
    for (int64_t m = 0; m < M; ++m)
      matvec_rows(W.data.data(), W.cols, r0, r1, W.cols, X + m * ldx, Y + m * ldy, accumulate);
  });
}

}  // namespace cadenza::cpu
