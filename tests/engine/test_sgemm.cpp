// The engine's packed AVX-512 sgemm (engine/cpu/sgemm.h) and the threaded gemm over it,
// against double-precision sums: every transpose, every tail of the 6 x 64 tile, K split
// into several blocks, N past one column panel, strided operands, alpha and beta.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "engine/cpu/blas.h"
#include "engine/cpu/sgemm.h"
#include "engine/rng.h"
#include "ops/random.h"

using namespace cadenza;

namespace {

struct Case {
  bool ta, tb;
  int64_t M, N, K;
  float alpha, beta;
};

std::vector<float> random_values(int64_t n, uint64_t seed) {
  Generator gen(seed);
  return randn({n}, DType::f32, &gen).to_vector<float>();
}

// Runs `product` on strided operands (row strides 3 past their widths) and checks every
// element of C against the double-precision result, and that C's padding is untouched.
template <class Product>
void check_case(const Case& c, Product&& product) {
  INFO((c.ta ? "A^T " : "A ") << (c.tb ? "B^T " : "B ") << c.M << " x " << c.N << " x " << c.K << ", alpha " << c.alpha
                              << ", beta " << c.beta);
  const int64_t arows = c.ta ? c.K : c.M, acols = c.ta ? c.M : c.K;
  const int64_t brows = c.tb ? c.N : c.K, bcols = c.tb ? c.K : c.N;
  const int64_t lda = acols + 3, ldb = bcols + 3, ldc = c.N + 3;
  const auto a = random_values(arows * lda, 11 + c.M), b = random_values(brows * ldb, 12 + c.N);
  auto cv = random_values(c.M * ldc, 13 + c.K);
  if (c.beta == 0.f)  // beta 0 must not read C: NaNs there must not come through
    for (float& v : cv) v = std::numeric_limits<float>::quiet_NaN();
  const float pad = 1234.5f;
  for (int64_t i = 0; i < c.M; ++i)
    for (int64_t j = c.N; j < ldc; ++j) cv[size_t(i * ldc + j)] = pad;
  const std::vector<float> before = cv;
  product(a.data(), lda, b.data(), ldb, cv.data(), ldc);
  double worst = 0;
  for (int64_t i = 0; i < c.M; ++i) {
    for (int64_t j = 0; j < c.N; ++j) {
      double s = 0;
      for (int64_t k = 0; k < c.K; ++k) {
        const double x = c.ta ? a[size_t(k * lda + i)] : a[size_t(i * lda + k)];
        const double y = c.tb ? b[size_t(j * ldb + k)] : b[size_t(k * ldb + j)];
        s += x * y;
      }
      double want = c.alpha * s;
      if (c.beta != 0.f) want += double(c.beta) * before[size_t(i * ldc + j)];
      worst = std::max(worst, std::abs(cv[size_t(i * ldc + j)] - want));
    }
    for (int64_t j = c.N; j < ldc; ++j) REQUIRE(cv[size_t(i * ldc + j)] == pad);
  }
  // f32 sums of K products of unit normals: error grows like sqrt(K) ulps of the terms.
  CHECK(worst < 2e-5 * std::sqrt(double(c.K) + 1) * (std::abs(c.alpha) + 1));
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      // Tails of the 6-row and 64-column tile, one row, one column, K = 1, K split in two
      // and three blocks, N past the 2,048-column panel, A read in place (N <= 128) or packed.
      for (auto [M, N, K] : {std::tuple<int64_t, int64_t, int64_t>{6, 64, 16},
                             {13, 65, 7},
                             {1, 1, 1},
                             {25, 70, 513},
                             {200, 31, 300},
                             {5, 2100, 40},
                             {47, 130, 257},
                             {47, 17, 257}}) {
        out.push_back({ta, tb, M, N, K, 1.f, 0.f});
      }
      out.push_back({ta, tb, 30, 45, 20, -0.5f, 1.f});
      out.push_back({ta, tb, 19, 40, 260, 2.f, 0.25f});
    }
  return out;
}

}  // namespace

TEST_CASE("the packed sgemm equals the double-precision product", "[sgemm]") {
  if constexpr (!cpu::kHaveOwnSgemm) {
    SUCCEED("built without AVX-512: gemm runs on OpenBLAS, checked by the next test");
  } else {
    for (const Case& c : cases())
      check_case(c, [&](const float* a, int64_t lda, const float* b, int64_t ldb, float* cv, int64_t ldc) {
        cpu::sgemm_packed(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a, lda, b, ldb, c.beta, cv, ldc);
      });
  }
}

TEST_CASE("gemm split across threads equals the double-precision product", "[sgemm]") {
  std::vector<Case> all = cases();
  all.push_back({false, true, 300, 500, 64, 1.f, 0.f});  // large enough to be split over the threads
  all.push_back({true, false, 64, 700, 300, 1.f, 1.f});
  for (const Case& c : all)
    check_case(c, [&](const float* a, int64_t lda, const float* b, int64_t ldb, float* cv, int64_t ldc) {
      cpu::gemm<float>(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a, lda, b, ldb, c.beta, cv, ldc);
    });
}

TEST_CASE("a product with K = 0 scales C by beta", "[sgemm]") {
  std::vector<float> c(6, std::numeric_limits<float>::quiet_NaN());
  cpu::gemm<float>(false, false, 2, 3, 0, 1.f, nullptr, 1, nullptr, 3, 0.f, c.data(), 3);
  for (float v : c) CHECK(v == 0.f);
  std::vector<float> d(6, 2.f);
  cpu::gemm<float>(false, false, 2, 3, 0, 1.f, nullptr, 1, nullptr, 3, 0.5f, d.data(), 3);
  for (float v : d) CHECK(v == 1.f);
}
