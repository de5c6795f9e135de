// The batch-1 matvec, the small-batch product and the bf16 weight store against plain
// double-precision sums.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "engine/cpu/blas.h"
#include "engine/cpu/matvec.h"
#include "engine/rng.h"
#include "ops/random.h"

using namespace cadenza;

namespace {

std::vector<float> random_values(int64_t n, uint64_t seed) {
  Generator gen(seed);
  return randn({n}, DType::f32, &gen).to_vector<float>();
}

// y[r] = Σ_k W[r, k] x[k] in double, W [rows, cols] with row stride ldw.
std::vector<double> reference(const std::vector<float>& w, int64_t ldw, int64_t rows, int64_t cols,
                              const std::vector<float>& x) {
  std::vector<double> y(size_t(rows), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) y[size_t(r)] += double(w[size_t(r * ldw + k)]) * x[size_t(k)];
  return y;
}

}  // namespace

TEST_CASE("matvec equals the row sums, tails and strides included", "[matvec]") {
  // cols not a multiple of 16, rows not a multiple of 4, a row stride wider than cols.
  for (auto [rows, cols, ldw] : {std::tuple<int64_t, int64_t, int64_t>{2048, 512, 512}, {7, 37, 40}, {390, 1, 3}}) {
    INFO(rows << " x " << cols << ", ldw " << ldw);
    auto w = random_values(rows * ldw, 1), x = random_values(cols, 2);
    std::vector<double> want = reference(w, ldw, rows, cols, x);
    for (bool accumulate : {false, true}) {
      std::vector<float> y(size_t(rows), accumulate ? 1.f : 123.f);
      cpu::matvec(w.data(), ldw, rows, cols, x.data(), y.data(), accumulate);
      double worst = 0;
      for (int64_t r = 0; r < rows; ++r)
        worst = std::max(worst, std::abs(y[size_t(r)] - (want[size_t(r)] + (accumulate ? 1 : 0))));
      CHECK(worst < 1e-4 * std::sqrt(double(cols)));
    }
  }
}

TEST_CASE("matvec_pair equals the sum of its two products", "[matvec]") {
  // Rows not a multiple of 4, column counts with tails under 16, strides wider than cols.
  const int64_t rows = 2051, ca = 37, cb = 300, lda = 40, ldb = 301;
  auto A = random_values(rows * lda, 9), B = random_values(rows * ldb, 10);
  auto a = random_values(ca, 11), b = random_values(cb, 12);
  std::vector<double> want = reference(A, lda, rows, ca, a), more = reference(B, ldb, rows, cb, b);
  std::vector<float> y(size_t(rows), 123.f);
  cpu::matvec_pair(A.data(), lda, ca, a.data(), B.data(), ldb, cb, b.data(), rows, y.data());
  double worst = 0;
  for (int64_t r = 0; r < rows; ++r)
    worst = std::max(worst, std::abs(y[size_t(r)] - (want[size_t(r)] + more[size_t(r)])));
  CHECK(worst < 1e-4 * std::sqrt(double(ca + cb)));
}

TEST_CASE("gemm with one row routes through matvec and still equals the product", "[matvec]") {
  const int64_t N = 300, K = 70;
  auto a = random_values(K, 3), b = random_values(N * K, 4);
  std::vector<double> want = reference(b, K, N, K, a);
  std::vector<float> c(size_t(N), 0.f);
  cpu::gemm<float>(false, true, 1, N, K, 1.f, a.data(), K, b.data(), K, 0.f, c.data(), N);
  for (int64_t n = 0; n < N; ++n) CHECK(c[size_t(n)] == Approx(want[size_t(n)]).margin(1e-4));
}

TEST_CASE("matmul_small equals the product for every small batch, tails and strides included", "[matvec]") {
  // Batches of every size up to past two blocks of four, rows with a tail under four,
  // cols with a tail under sixteen, strides wider than the rows they hold.
  for (auto [rows, cols, ldw] : {std::tuple<int64_t, int64_t, int64_t>{803, 200, 200}, {7, 37, 40}, {4, 16, 16}}) {
    for (int64_t M = 1; M <= 9; ++M) {
      INFO(rows << " x " << cols << ", ldw " << ldw << ", batch " << M);
      const int64_t ldx = cols + 3, ldy = rows + 5;
      auto w = random_values(rows * ldw, 5), x = random_values(M * ldx, 6);
      for (bool accumulate : {false, true}) {
        std::vector<float> y(size_t(M * ldy), accumulate ? 1.f : 123.f);
        cpu::matmul_small(w.data(), ldw, rows, cols, M, x.data(), ldx, y.data(), ldy, accumulate);
        double worst = 0;
        for (int64_t m = 0; m < M; ++m) {
          const std::vector<float> xm(x.begin() + m * ldx, x.begin() + m * ldx + cols);
          const std::vector<double> want = reference(w, ldw, rows, cols, xm);
          for (int64_t r = 0; r < rows; ++r)
            worst = std::max(worst, std::abs(y[size_t(m * ldy + r)] - (want[size_t(r)] + (accumulate ? 1 : 0))));
          // The padding between rows of Y is never written.
          for (int64_t r = rows; r < ldy && m + 1 < M; ++r) CHECK(y[size_t(m * ldy + r)] == (accumulate ? 1.f : 123.f));
        }
        CHECK(worst < 1e-4 * std::sqrt(double(cols)));
      }
    }
  }
}

TEST_CASE("gemm with a few rows routes through matmul_small and still equals the product", "[matvec]") {
  const int64_t N = 300, K = 70;
  for (int64_t M : {2, 5, 32, 33}) {
    INFO("M " << M);
    auto a = random_values(M * K, 7), b = random_values(N * K, 8);
    for (float beta : {0.f, 1.f}) {
      std::vector<float> c(size_t(M * N), 0.5f);
      cpu::gemm<float>(false, true, M, N, K, 1.f, a.data(), K, b.data(), K, beta, c.data(), N);
      for (int64_t m = 0; m < M; ++m) {
        const std::vector<float> am(a.begin() + m * K, a.begin() + (m + 1) * K);
        const std::vector<double> want = reference(b, K, N, K, am);
        for (int64_t n = 0; n < N; ++n)
          CHECK(c[size_t(m * N + n)] == Approx(want[size_t(n)] + beta * 0.5).margin(1e-4));
      }
    }
  }
}

TEST_CASE("bf16 rounds to nearest even and keeps infinities", "[matvec][bf16]") {
  CHECK(cpu::from_bf16(cpu::to_bf16(1.0f)) == 1.0f);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
  CHECK(cpu::from_bf16(cpu::to_bf16(1.0f + 0x1p-8f)) == 1.0f);
  CHECK(cpu::from_bf16(cpu::to_bf16(1.0f + 0x1p-8f + 0x1p-20f)) == 1.0f + 0x1p-7f);
  CHECK(cpu::from_bf16(cpu::to_bf16(-3.0f)) == -3.0f);
  CHECK(std::isinf(cpu::from_bf16(cpu::to_bf16(INFINITY))));
  CHECK(std::isnan(cpu::from_bf16(cpu::to_bf16(NAN))));
}

TEST_CASE("matmul_bf16 equals the f32 product within bf16's rounding", "[matvec][bf16]") {
  const int64_t rows = 130, cols = 77, M = 3;
  auto w = random_values(rows * cols, 5), x = random_values(M * cols, 6);
  cpu::Bf16Matrix q = cpu::Bf16Matrix::from_f32(w.data(), rows, cols);
  for (int64_t i = 0; i < rows * cols; i += 97)
    CHECK(std::abs(q.at(i / cols, i % cols) - w[size_t(i)]) <= std::abs(w[size_t(i)]) * 0x1p-8f);
  std::vector<float> y(size_t(M * rows));
  cpu::matmul_bf16(q, M, x.data(), cols, y.data(), rows, false);
  for (int64_t m = 0; m < M; ++m) {
    std::vector<float> xm(x.begin() + m * cols, x.begin() + (m + 1) * cols);
    std::vector<double> exact = reference(w, cols, rows, cols, xm);
    // Each product's error is at most 2^-8 of |w x|: bound by the sum of those magnitudes.
    for (int64_t r = 0; r < rows; ++r) {
      double mag = 0;
      for (int64_t k = 0; k < cols; ++k) mag += std::abs(double(w[size_t(r * cols + k)]) * xm[size_t(k)]);
      CHECK(std::abs(y[size_t(m * rows + r)] - exact[size_t(r)]) <= mag * 0x1p-8 + 1e-4);
    }
  }
}

TEST_CASE("matmul_bf16 equals the exact product of the rounded weights, at every tail length", "[matvec][bf16]") {
  // The kernel reads 32 weights as 16 even/odd pairs, so every column count mod 32 (and
  // rows mod 4) takes its own path through the masks and the split of x.
  for (int64_t cols : {1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 100, 512}) {
    const int64_t rows = 13, M = 2;
    INFO("cols " << cols);
    auto w = random_values(rows * cols, 7 + cols), x = random_values(M * cols, 8 + cols);
    cpu::Bf16Matrix q = cpu::Bf16Matrix::from_f32(w.data(), rows, cols);
    std::vector<float> dequantised(size_t(rows * cols));
    for (int64_t i = 0; i < rows * cols; ++i) dequantised[size_t(i)] = q.at(i / cols, i % cols);
    for (bool accumulate : {false, true}) {
      std::vector<float> y(size_t(M * rows), 0.5f);
      cpu::matmul_bf16(q, M, x.data(), cols, y.data(), rows, accumulate);
      for (int64_t m = 0; m < M; ++m) {
        std::vector<float> xm(x.begin() + m * cols, x.begin() + (m + 1) * cols);
        std::vector<double> want = reference(dequantised, cols, rows, cols, xm);
        for (int64_t r = 0; r < rows; ++r)
          CHECK(y[size_t(m * rows + r)] == Approx(want[size_t(r)] + (accumulate ? 0.5 : 0)).margin(1e-5 * cols));
      }
    }
  }
}
