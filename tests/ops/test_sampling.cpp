// Sampling helpers on hand-made distributions.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
using F = std::vector<float>;
Tensor f32(F v, Shape s) { return Tensor::from_vector<float>(v, s); }

// Positions that survived a filter (are not -inf).
std::vector<int> kept(const Tensor& t) {
  std::vector<int> r;
  std::vector<float> v = t.to_vector<float>();
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isinf(v[i])) r.push_back(int(i));
  return r;
}

// Logits whose softmax is exactly `probs` (up to rounding).
Tensor logits_of(const std::vector<double>& probs) {
  std::vector<float> l;
  for (double p : probs) l.push_back(float(std::log(p)));
  return f32(l, {int64_t(l.size())});
}

std::vector<double> frequencies(const Tensor& ids, int64_t v) {
  std::vector<double> f(v, 0.0);
  std::vector<int64_t> d = ids.to_vector<int64_t>();
  for (int64_t i : d) f.at(i) += 1;
  for (double& x : f) x /= double(d.size());
  return f;
}
}  // namespace

TEST_CASE("top_k_filter keeps exactly the k largest logits", "[sampling]") {
  Tensor x = f32({1, 5, 3, 4, 2}, {5});
  CHECK(kept(top_k_filter(x, 2)) == std::vector<int>{1, 3});
  CHECK(kept(top_k_filter(x, 3)) == std::vector<int>{1, 2, 3});
  CHECK(kept(top_k_filter(x, 9)) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(top_k_filter(x, 1).to_vector<float>()[1] == 5.0f);  // kept values are unchanged
  // Ties go to the lower index; rows are independent.
  CHECK(kept(top_k_filter(f32({1, 1, 1, 0, 2, 2}, {2, 3}), 2)) == std::vector<int>{0, 1, 4, 5});
}

TEST_CASE("top_p_filter keeps the smallest nucleus reaching mass p", "[sampling]") {
  Tensor x = logits_of({0.15, 0.5, 0.05, 0.3});
  CHECK(kept(top_p_filter(x, 0.4)) == std::vector<int>{1});
  CHECK(kept(top_p_filter(x, 0.6)) == std::vector<int>{1, 3});
  CHECK(kept(top_p_filter(x, 0.9)) == std::vector<int>{0, 1, 3});
  CHECK(kept(top_p_filter(x, 0.97)) == std::vector<int>{0, 1, 2, 3});
  CHECK(kept(top_p_filter(x, 1.0)) == std::vector<int>{0, 1, 2, 3});
  CHECK(kept(top_p_filter(x, 1e-9)) == std::vector<int>{1});  // never empty
  // Mass exactly p is enough (the sums are exact here).
  CHECK(kept(top_p_filter(f32({0, 0, 0, 0}, {4}), 0.5)) == std::vector<int>{0, 1});
  // A row already cut by top-k: the -inf entries carry no mass.
  CHECK(kept(top_p_filter(top_k_filter(x, 2), 0.99)) == std::vector<int>{1, 3});
}

TEST_CASE("multinomial draws match the probabilities", "[sampling]") {
  Generator g(11);
  const int64_t n = 20000;
  std::vector<double> f = frequencies(multinomial(f32({0.1f, 0.2f, 0.3f, 0.4f}, {4}), n, &g), 4);
  for (int i = 0; i < 4; ++i) CHECK(f[i] == Approx(0.1 * (i + 1)).margin(0.015));
  // Unnormalised weights; zero weight is never drawn.
  f = frequencies(multinomial(f32({0, 3, 0, 1}, {4}), n, &g), 4);
  CHECK(f[0] == 0.0);
  CHECK(f[2] == 0.0);
  CHECK(f[1] == Approx(0.75).margin(0.015));
  // Batched rows.
  Tensor ids = multinomial(f32({1, 0, 0, 0, 0, 1}, {2, 1, 3}), 5, &g);
  CHECK(ids.shape() == Shape{2, 1, 5});
  CHECK(ids.to_vector<int64_t>() == std::vector<int64_t>{0, 0, 0, 0, 0, 2, 2, 2, 2, 2});
  // Same seed, same draws.
  Generator a(4), b(4);
  CHECK(multinomial(f32({1, 2, 3}, {3}), 50, &a).to_vector<int64_t>() ==
        multinomial(f32({1, 2, 3}, {3}), 50, &b).to_vector<int64_t>());
}

TEST_CASE("sample_logits: temperature, top-k and top-p", "[sampling]") {
  Generator g(2);
  // 500 identical rows: each draws independently.
  std::vector<float> row = {1.0f, 2.0f, 1.5f, 0.5f};
  std::vector<float> rows;
  for (int i = 0; i < 500; ++i) rows.insert(rows.end(), row.begin(), row.end());
  Tensor logits = f32(rows, {500, 4});

  Tensor cold = sample_logits(logits, 1e-3, 0, 1.0, &g);
  CHECK(cold.shape() == Shape{500});
  CHECK(frequencies(cold, 4)[1] == 1.0);  // temperature -> 0 is argmax
  CHECK(frequencies(sample_logits(logits, 1.0, 1, 1.0, &g), 4)[1] == 1.0);
  CHECK(frequencies(sample_logits(logits, 1.0, 0, 1e-6, &g), 4)[1] == 1.0);
  std::vector<double> two = frequencies(sample_logits(logits, 1.0, 2, 1.0, &g), 4);
  CHECK(two[0] == 0.0);
  CHECK(two[3] == 0.0);
  CHECK(two[1] == Approx(1 / (1 + std::exp(-0.5))).margin(0.07));

  // At temperature 1 the draws follow the softmax.
  Tensor big = f32(std::vector<float>(row.begin(), row.end()), {1, 4});
  std::vector<double> hot = frequencies(multinomial(exp(big), 20000, &g), 4);
  double z = 0;
  for (float l : row) z += std::exp(l);
  Tensor many = sample_logits(expand(big, {20000, 4}), 1.0, 0, 1.0, &g);
  std::vector<double> f = frequencies(many, 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(f[i] == Approx(std::exp(row[i]) / z).margin(0.015));
    CHECK(hot[i] == Approx(std::exp(row[i]) / z).margin(0.015));
  }
}

TEST_CASE("sampling argument errors", "[sampling][errors]") {
  Tensor x = f32({1, 2, 3}, {3});
  CHECK_THROWS_WITH(top_k_filter(x, 0), Contains("top_k_filter") && Contains("0"));
  CHECK_THROWS_WITH(top_p_filter(x, 0.0), Contains("top_p_filter") && Contains("(0, 1]"));
  CHECK_THROWS_WITH(top_p_filter(x, 1.5), Contains("top_p_filter") && Contains("1.5"));
  CHECK_THROWS_WITH(sample_logits(x, 0.0), Contains("sample_logits") && Contains("temperature"));
  CHECK_THROWS_WITH(sample_logits(x, -1.0), Contains("sample_logits") && Contains("temperature"));
  CHECK_THROWS_WITH(sample_logits(x, 1.0, -1), Contains("sample_logits") && Contains("top_k"));
  CHECK_THROWS_WITH(sample_logits(x, 1.0, 0, 0.0), Contains("sample_logits") && Contains("top_p"));
  CHECK_THROWS_WITH(multinomial(f32({1, -1}, {2})), Contains("multinomial") && Contains("negative"));
  CHECK_THROWS_WITH(multinomial(f32({0, 0}, {2})), Contains("multinomial") && Contains("no positive weight"));
  // The same check from a batch big enough to run rows on the thread pool.
  std::vector<float> many(4000 * 8, 1.0f);
  many[3999 * 8 + 5] = -2.0f;
  CHECK_THROWS_WITH(multinomial(f32(many, {4000, 8})), Contains("multinomial") && Contains("[3999, 5]"));
  CHECK_THROWS_WITH(multinomial(x, 0), Contains("multinomial") && Contains("num_samples"));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(top_k_filter(f32({1, nan}, {2}), 1), Contains("top_k_filter") && Contains("NaN"));
}
