#pragma once
// The engine's own single-precision GEMM for AVX-512 machines: operands packed into cache-
// sized panels (after Goto and van de Geijn's layered blocking, as BLIS and OpenBLAS do),
// and a 6 x 64 micro-kernel that keeps 24 zmm accumulators busy on both FMA pipes.
// OpenBLAS, where its runtime dispatch is pinned to the AVX2 kernels (OPENBLAS_CORETYPE,
// set on machines where the distribution's build misbehaves with its AVX-512 ones), runs
// at half a Zen 4/5 core's peak; this kernel does not depend on that dispatch.
#include <cstdint>

namespace cadenza::cpu {

// The micro-tile: rows and columns of C each kernel call computes (a split of a product
// across threads keeps its parts whole tiles).
constexpr int kSgemmTileRows = 6, kSgemmTileCols = 64;

// Whether this build carries the kernel (compiled for a CPU with AVX-512F).
constexpr bool kHaveOwnSgemm =
#ifdef __AVX512F__
    true;
#else
    false;
#endif

// C[M,N] = alpha * op(A) op(B) + beta * C on the calling thread, row-major, with blas.h's
// conventions (lda/ldb/ldc are row strides as stored; op(X) = X or X^T). When beta is 0, C
// is not read (NaNs in it do not propagate). Only when kHaveOwnSgemm.
void sgemm_packed(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                  const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace cadenza::cpu
