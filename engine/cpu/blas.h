#pragma once
// Row-major GEMM split across the TBB threads, so GEMMs and the engine's other parallel
// loops share one pool. Each part runs single-threaded: f32 on the engine's packed AVX-512
// kernel (sgemm.h) where the CPU has AVX-512, else on OpenBLAS, as f64 always is; products
// of a few rows by a transposed matrix go to the weight-streaming kernels (matvec.h).
#include <cstdint>

namespace cadenza::cpu {

// C[M,N] = alpha * op(A) op(B) + beta * C, row-major; op(X) = X or X^T.
// lda/ldb/ldc are the row strides of A, B, C as stored.
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
          int64_t ldb, T beta, T* C, int64_t ldc);

// `batch` independent GEMMs whose operands start at A + i*stride_a (etc.).
template <class T>
void gemm_batched(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                  int64_t lda, int64_t stride_a, const T* B, int64_t ldb, int64_t stride_b, T beta, T* C, int64_t ldc,
                  int64_t stride_c);

// Floating-point operations (2·M·N·K per product) of every GEMM run so far, f32 and f64:
// lets a benchmark state what fraction of the machine's GEMM peak a training step reaches.
int64_t gemm_flop_count();

}  // namespace cadenza::cpu
