#include "engine/cpu/blas.h"

#include <cblas.h>
#include <algorithm>
#include <atomic>

#include "engine/cpu/matvec.h"
#include "engine/cpu/parallel.h"
#include "engine/cpu/sgemm.h"

namespace cadenza::cpu {
namespace {

std::atomic<int64_t> g_gemm_flops{0};

template <class T>
void gemm_serial(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
                 int64_t ldb, T beta, T* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  g_gemm_flops.fetch_add(2 * M * N * K, std::memory_order_relaxed);
  auto opa = ta ? CblasTrans : CblasNoTrans;
  auto opb = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float> && kHaveOwnSgemm)
    sgemm_packed(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, opa, opb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else
    cblas_dgemm(CblasRowMajor, opa, opb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

// Below this many multiply-adds a GEMM is not worth splitting.
constexpr int64_t kSplitFlops = 1 << 18;
// Up to this many rows of A, A·Bᵀ streams B once per four rows (matvec.h).
constexpr int64_t kSmallRows = 32;

}  // namespace

template <class T>
void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B, int64_t ldb,
          T beta, T* C, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    // A few rows times a transposed matrix (a layer at batch 1 or a small batch): the
    // weight-streaming kernels, which skip OpenBLAS's copy of the whole weight matrix into
    // its packed layout on every call (3x faster at 8 rows of a 200 x 800 LSTM weight, 1.7x
    // at 32; bench/RESULTS.md).
    if (M <= kSmallRows && !ta && tb && alpha == 1.f && (beta == 0.f || beta == 1.f)) {
      if (M == 1) return matvec(B, ldb, N, K, A, C, beta == 1.f);
      return matmul_small(B, ldb, N, K, M, A, lda, C, ldc, beta == 1.f);
    }
  }
  int64_t parts = std::min<int64_t>(num_threads(), std::max<int64_t>(1, M * N * K / kSplitFlops));
  if (parts <= 1) return gemm_serial(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  // Split the larger of M and N into `parts` slabs; each is an independent GEMM.
  bool split_m = M >= N;
  int64_t len = split_m ? M : N;
  int64_t unit = split_m ? kSgemmTileRows : kSgemmTileCols;  // slabs of whole tiles
  int64_t chunk = ((len + parts - 1) / parts + unit - 1) / unit * unit;
  int64_t nchunks = (len + chunk - 1) / chunk;
  parallel_for(nchunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) {
      int64_t s = c * chunk, n = std::min(chunk, len - s);
      if (split_m) {
        const T* a = ta ? A + s : A + s * lda;
        gemm_serial(ta, tb, n, N, K, alpha, a, lda, B, ldb, beta, C + s * ldc, ldc);
      } else {
        const T* bb = tb ? B + s * ldb : B + s;
        gemm_serial(ta, tb, M, n, K, alpha, A, lda, bb, ldb, beta, C + s, ldc);
      }
    }
  });
}

template <class T>
void gemm_batched(int64_t batch, bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                  int64_t sa, const T* B, int64_t ldb, int64_t sb, T beta, T* C, int64_t ldc, int64_t sc) {
  if (batch == 1) return gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (batch >= num_threads() || M * N * K < kSplitFlops) {
    parallel_for(batch, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        gemm_serial(ta, tb, M, N, K, alpha, A + i * sa, lda, B + i * sb, ldb, beta, C + i * sc, ldc);
    });
  } else {
    for (int64_t i = 0; i < batch; ++i)
      gemm(ta, tb, M, N, K, alpha, A + i * sa, lda, B + i * sb, ldb, beta, C + i * sc, ldc);
  }
}

int64_t gemm_flop_count() { return g_gemm_flops.load(std::memory_order_relaxed); }

template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t,
                          float, float*, int64_t);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t, const double*,
                           int64_t, double, double*, int64_t);
template void gemm_batched<float>(int64_t, bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, int64_t,
                                  const float*, int64_t, int64_t, float, float*, int64_t, int64_t);
template void gemm_batched<double>(int64_t, bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                                   int64_t, const double*, int64_t, int64_t, double, double*, int64_t, int64_t);

}  // namespace cadenza::cpu
