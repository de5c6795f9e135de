#pragma once
// Matrix-vector products for batch-1 inference, where a step is bound by reading the
// weights once: rows are split across the TBB threads and every weight is loaded exactly
// once per product (OpenBLAS's sgemm at M = 1 runs its small-matrix kernel at a fraction
// of that speed). Also the bf16 weight store of reduced-precision inference: weights
// rounded to bfloat16 (half the bytes to stream), activations and sums kept in f32.
#include <cstdint>
#include <vector>

namespace cadenza::cpu {

// y[r] = Σ_k W[r, k] x[k] (+ y[r] when accumulate), W [rows, cols] with row stride ldw.
void matvec(const float* W, int64_t ldw, int64_t rows, int64_t cols, const float* x, float* y, bool accumulate);

// y[r] = Σ_k A[r, k] a[k] + Σ_k B[r, k] b[k] for r < rows: two products into one vector in a
// single pass over the rows (one split across the threads, not two), as an LSTM step at
// batch 1 adds its input and recurrent products.
void matvec_pair(const float* A, int64_t lda, int64_t cols_a, const float* a, const float* B, int64_t ldb,
                 int64_t cols_b, const float* b, int64_t rows, float* y);

// Y[m, r] = Σ_k W[r, k] X[m, k] (+ Y[m, r] when accumulate) for m < M, a few rows of X (a
// small batch through a layer): each weight is loaded once per four rows of X, where
// OpenBLAS's sgemm first copies all of W into its packed layout on every call.
void matmul_small(const float* W, int64_t ldw, int64_t rows, int64_t cols, int64_t M, const float* X, int64_t ldx,
                  float* Y, int64_t ldy, bool accumulate);

// A row-major matrix of bfloat16 values (the upper half of an f32, rounded to nearest even).
struct Bf16Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<uint16_t> data;
  static Bf16Matrix from_f32(const float* w, int64_t rows, int64_t cols);
  float at(int64_t r, int64_t c) const;
};
uint16_t to_bf16(float v);
float from_bf16(uint16_t v);

// matvec_pair with bf16 weights: y[r] = Σ_k A[r, k] a[k] + Σ_k B[r, k] b[k], A.rows == B.rows.
void matvec_pair(const Bf16Matrix& A, const float* a, const Bf16Matrix& B, const float* b, float* y);

// Y[m, r] = Σ_k W[r, k] X[m, k] (+ Y[m, r] when accumulate) for m < M: X [M, W.cols] with
// row stride ldx, Y [M, W.rows] with row stride ldy. W is read once per block of rows.
void matmul_bf16(const Bf16Matrix& W, int64_t M, const float* X, int64_t ldx, float* Y, int64_t ldy, bool accumulate);

}  // namespace cadenza::cpu
