// Forward values against cases worked out by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "engine/cpu/parallel.h"
#include "ops/ops.h"

using namespace cadenza;

namespace {
std::vector<float> vec(const Tensor& t) { return t.to_vector<float>(); }
Tensor f32(std::vector<float> v, Shape s) { return Tensor::from_vector<float>(v, s); }
}  // namespace

TEST_CASE("broadcasting arithmetic", "[forward]") {
  Tensor a = f32({1, 2, 3}, {3, 1});
  Tensor b = f32({10, 20}, {2});
  CHECK(vec(add(a, b)) == std::vector<float>{11, 21, 12, 22, 13, 23});
  CHECK(vec(sub(b, a)) == std::vector<float>{9, 19, 8, 18, 7, 17});
  CHECK(vec(mul(a, 2.0)) == std::vector<float>{2, 4, 6});
  CHECK(vec(div(b, 4.0)) == std::vector<float>{2.5f, 5});
  CHECK(vec(maximum(a, f32({2}, {1}))) == std::vector<float>{2, 2, 3});
  CHECK(vec(gt(a, 1.5)) == std::vector<float>{0, 1, 1});
  CHECK(vec(where(gt(a, 1.5), a, f32({-1}, {}))) == std::vector<float>{-1, 2, 3});
}

TEST_CASE("unary functions", "[forward]") {
  Tensor x = f32({-2, 0, 1}, {3});
  CHECK(vec(relu(x)) == std::vector<float>{0, 0, 1});
  CHECK(vec(leaky_relu(x, 0.5)) == std::vector<float>{-1, 0, 1});
  CHECK(vec(abs(x)) == std::vector<float>{2, 0, 1});
  CHECK(vec(clamp(x, -1, 0.5)) == std::vector<float>{-1, 0, 0.5f});
  CHECK(vec(sigmoid(x))[1] == Approx(0.5));
  CHECK(vec(exp(x))[2] == Approx(std::exp(1.0)));
  CHECK(vec(gelu(x))[2] == Approx(0.8413447));  // 1 * Phi(1)
  CHECK(vec(softplus(x))[1] == Approx(std::log(2.0)));
  const std::vector<float> s = vec(silu(x));  // x / (1 + e^-x)
  CHECK(s[0] == Approx(-0.2384058));
  CHECK(s[1] == 0);
  CHECK(s[2] == Approx(0.7310586));
  CHECK(vec(tanh(x))[0] == Approx(std::tanh(-2.0)));
}

TEST_CASE("reductions over chosen axes", "[forward]") {
  Tensor x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(vec(sum(x)) == std::vector<float>{21});
  CHECK(vec(sum(x, {0})) == std::vector<float>{5, 7, 9});
  CHECK(vec(sum(x, {1}, true)) == std::vector<float>{6, 15});
  CHECK(sum(x, {1}, true).shape() == Shape{2, 1});
  CHECK(vec(mean(x, {1})) == std::vector<float>{2, 5});
  CHECK(vec(max(x, {0})) == std::vector<float>{4, 5, 6});
  CHECK(vec(min(x, {1})) == std::vector<float>{1, 4});
  CHECK(argmax(x, 1).to_vector<int64_t>() == std::vector<int64_t>{2, 2});
  CHECK(argmin(transpose(x, 0, 1), 0).to_vector<int64_t>() == std::vector<int64_t>{0, 0});
  CHECK(vec(var(x, {1}))[0] == Approx(1.0));
  CHECK(vec(var(x, {1}, 0))[0] == Approx(2.0 / 3.0));
  CHECK(vec(logsumexp(f32({0, 0}, {2})))[0] == Approx(std::log(2.0)));
  float inf = std::numeric_limits<float>::infinity();
  CHECK(vec(max(f32({-inf, -inf}, {2})))[0] == -inf);
  CHECK(vec(min(f32({inf, inf}, {2})))[0] == inf);
  CHECK(Tensor::from_vector<int32_t>({-5, 3}, {2}).to_vector<int32_t>() == std::vector<int32_t>{-5, 3});
  CHECK(max(Tensor::from_vector<int32_t>({-5, -7}, {2})).item<int32_t>() == -5);
  // logsumexp stays finite where exp would overflow
  CHECK(vec(logsumexp(f32({1000, 1000}, {2})))[0] == Approx(1000 + std::log(2.0)));
}

TEST_CASE("a long sum gives the same bits at any thread count", "[forward]") {
  std::vector<float> v(100000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(float(i)) * 1e-3f + 1.0f;
  Tensor x = f32(v, {int64_t(v.size())});
  float one = sum(x).item<float>();
  int prev = cpu::num_threads();
  cpu::set_num_threads(1);
  float single = sum(x).item<float>();
  cpu::set_num_threads(prev);
  CHECK(one == single);
}

TEST_CASE("sums over leading axes (bias gradients) match a row-order reference", "[forward]") {
  // [7, 5, 300]: wide enough for the strip-wise path, with a partial last strip.
  const int64_t A = 7, B = 5, K = 300;
  std::vector<float> v(size_t(A * B * K));
  for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(float(i) * 0.37f) + 0.01f * float(i % 13);
  Tensor x = f32(v, {A, B, K});
  std::vector<float> want01(static_cast<size_t>(K)), want0(static_cast<size_t>(B * K));
  for (int64_t k = 0; k < K; ++k) {
    double acc = 0;
    for (int64_t r = 0; r < A * B; ++r) acc += v[size_t(r * K + k)];
    want01[size_t(k)] = float(acc);
  }
  for (int64_t j = 0; j < B * K; ++j) {
    double acc = 0;
    for (int64_t a = 0; a < A; ++a) acc += v[size_t(a * B * K + j)];
    want0[size_t(j)] = float(acc);
  }
  CHECK(vec(sum(x, {0, 1})) == want01);
  CHECK(vec(sum(x, {0})) == want0);
  CHECK(sum(x, {0, 1}, true).shape() == Shape{1, 1, K});
  // A strided view (x inside a wider tensor) takes the general path and agrees bit for bit.
  Tensor wide = concat({x, Tensor::zeros({A, B, 3})}, 2);
  CHECK(vec(sum(narrow(wide, 2, 0, K), {0, 1})) == want01);
  int prev = cpu::num_threads();
  cpu::set_num_threads(1);
  CHECK(vec(sum(x, {0, 1})) == want01);
  cpu::set_num_threads(prev);
  // Batch-norm style: keep axis 1 of [A, B, 12, 25], sum the rest (the last two as one run).
  Tensor y = reshape(x, {A, B, 12, 25});
  std::vector<float> want_c(static_cast<size_t>(B));
  for (int64_t b = 0; b < B; ++b) {
    double acc = 0;
    for (int64_t a = 0; a < A; ++a)
      for (int64_t k = 0; k < K; ++k) acc += v[size_t((a * B + b) * K + k)];
    want_c[size_t(b)] = float(acc);
  }
  CHECK(vec(sum(y, {0, 2, 3})) == want_c);
}

TEST_CASE("matmul with transposes, batches and vectors", "[forward]") {
  Tensor a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = f32({1, 0, 0, 1, 1, 1}, {3, 2});
  CHECK(vec(matmul(a, b)) == std::vector<float>{4, 5, 10, 11});
  CHECK(vec(matmul(a, a, false, true)) == std::vector<float>{14, 32, 32, 77});
  CHECK(vec(matmul(a, a, true, false))[0] == 17);
  CHECK(vec(matmul(f32({1, 1, 1}, {3}), b)) == std::vector<float>{2, 2});
  Tensor batch = stack({a, mul(a, 2.0)}, 0);  // [2,2,3]
  Tensor r = matmul(batch, b);
  CHECK(r.shape() == Shape{2, 2, 2});
  CHECK(vec(r) == std::vector<float>{4, 5, 10, 11, 8, 10, 20, 22});
}

TEST_CASE("views share storage and copies do not", "[forward]") {
  Tensor x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor t = transpose(x, 0, 1);
  CHECK(t.storage() == x.storage());
  CHECK_FALSE(t.is_contiguous());
  CHECK(vec(t) == std::vector<float>{1, 4, 2, 5, 3, 6});
  Tensor n = narrow(x, 1, 1, 2);
  CHECK(vec(n) == std::vector<float>{2, 3, 5, 6});
  CHECK(n.storage() == x.storage());
  CHECK(reshape(x, {3, -1}).storage() == x.storage());
  CHECK(reshape(t, {6}).storage() != x.storage());  // not viewable: copied
  CHECK(vec(reshape(t, {6})) == std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(vec(select(x, 0, 1)) == std::vector<float>{4, 5, 6});
  CHECK(vec(expand(f32({7}, {1}), {2, 2})) == std::vector<float>{7, 7, 7, 7});
  CHECK(vec(concat({x, x}, 1)) == std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
  CHECK(vec(pad(f32({1, 2}, {2}), {{1, 2}}, 9)) == std::vector<float>{9, 1, 2, 9, 9});
  CHECK(contiguous(t).is_contiguous());
}

TEST_CASE("dtype conversion and integer tensors", "[forward]") {
  Tensor i = Tensor::arange(4);
  CHECK(i.dtype() == DType::i64);
  CHECK(to_dtype(i, DType::f32).to_vector<float>() == std::vector<float>{0, 1, 2, 3});
  CHECK(add(i, i).to_vector<int64_t>() == std::vector<int64_t>{0, 2, 4, 6});
  CHECK(to_dtype(f32({1.7f, -1.7f}, {2}), DType::i32).to_vector<int32_t>() == std::vector<int32_t>{1, -1});
}

TEST_CASE("printing is readable", "[forward]") {
  std::string s = f32({1, 2, 3, 4}, {2, 2}).str();
  CHECK(s.find("[[1.0000, 2.0000],") != std::string::npos);
  CHECK(s.find("shape=[2, 2]") != std::string::npos);
  std::string big = Tensor::zeros({100}).str();
  CHECK(big.find("...") != std::string::npos);
  CHECK(fmt::format("{}", Tensor::arange(3)).find("[0, 1, 2]") != std::string::npos);
}
