// Attention against the explicit O(L^2 D) definition of relative attention, the skewing
// trick against its index formula, and the masking conventions.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>

#include "ops/ops.h"
#include "ops/samples.h"

using namespace cadenza;
using Catch::Matchers::Contains;
using testing::uniform_input;

namespace {
// out[b,h,i] = sum_j p_ij v_j with p = softmax_j((q_i.k_j + q_i.E[M-1-(t-j)]) / sqrt(D)) over
// the keys j <= t that are not padding, where t = S - L + i is query i's position among the
// S keys (E rows past the table's start count as zero): Music Transformer's
// S_rel[i, j] = q_i . E_r[L-1-(i-j)] when M = L = S.
std::vector<double> reference(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& rel,
                              const std::vector<int64_t>& pad) {
  const int64_t B = q.size(0), H = q.size(1), L = q.size(2), S = k.size(2), D = q.size(3), Dv = v.size(3);
  const int64_t M = rel.defined() ? rel.size(0) : 0;
  auto Q = q.to_vector<double>(), K = k.to_vector<double>(), V = v.to_vector<double>();
  std::vector<double> E = rel.defined() ? rel.to_vector<double>() : std::vector<double>{};
  std::vector<double> out(B * H * L * Dv, 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < L; ++i) {
        const double* qi = &Q[((b * H + h) * L + i) * D];
        const int64_t t = S - L + i;
        std::vector<double> s(S, -INFINITY);
        double mx = -INFINITY;
        for (int64_t j = 0; j <= t; ++j) {
          if (!pad.empty() && pad[b * S + j]) continue;
          double dot = 0;
          const int64_t r = M - 1 - (t - j);
          for (int64_t d = 0; d < D; ++d)
            dot += qi[d] * (K[((b * H + h) * S + j) * D + d] + (r >= 0 && M > 0 ? E[r * D + d] : 0.0));
          s[j] = dot / std::sqrt(double(D));
          mx = std::max(mx, s[j]);
        }
        if (mx == -INFINITY) continue;  // no visible key: the row stays 0
        double z = 0;
        for (int64_t j = 0; j <= t; ++j) z += s[j] == -INFINITY ? 0 : std::exp(s[j] - mx);
        for (int64_t j = 0; j <= t; ++j) {
          if (s[j] == -INFINITY) continue;
          const double p = std::exp(s[j] - mx) / z;
          for (int64_t e = 0; e < Dv; ++e) out[((b * H + h) * L + i) * Dv + e] += p * V[((b * H + h) * S + j) * Dv + e];
        }
      }
  return out;
}

void check_close(const std::vector<double>& a, const std::vector<double>& b, double margin = 1e-12) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).margin(margin));
}
}  // namespace

TEST_CASE("relative_skew puts q_i . E[L-1-(i-j)] at (i, j)", "[attention]") {
  // qe[i, r] = 10 i + r, L = 3: S_rel[i, j] = 10 i + (2 - i + j) for j <= i.
  std::vector<double> v;
  for (int i = 0; i < 3; ++i)
    for (int r = 0; r < 3; ++r) v.push_back(10 * i + r);
  auto s = relative_skew(Tensor::from_vector<double>(v, {1, 1, 3, 3})).to_vector<double>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) CHECK(s[i * 3 + j] == 10 * i + (2 - i + j));
  // The three lower-triangle rows by hand: [2], [11, 12], [20, 21, 22].
  CHECK(s[0] == 2);
  CHECK(s[3] == 11);
  CHECK(s[8] == 22);
}

TEST_CASE("relative_skew of a query block: the last L of S positions", "[attention]") {
  // qe[i, r] = 10 i + r, L = 2, S = 4: query i sits at 2 + i, key j is 2 + i - j behind it,
  // whose row is 3 - (2 + i - j) = 1 - i + j.
  std::vector<double> v;
  for (int i = 0; i < 2; ++i)
    for (int r = 0; r < 4; ++r) v.push_back(10 * i + r);
  Tensor s = relative_skew(Tensor::from_vector<double>(v, {2, 4}));
  REQUIRE(s.shape() == Shape({2, 4}));
  auto o = s.to_vector<double>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j <= 2 + i; ++j) CHECK(o[i * 4 + j] == 10 * i + (1 - i + j));
  // By hand: row 0 = [1, 2, 3, -], row 1 = [10, 11, 12, 13].
  CHECK(o[0] == 1);
  CHECK(o[2] == 3);
  CHECK(o[4] == 10);
  CHECK(o[7] == 13);
}

TEST_CASE("relative attention of a query block against a longer key cache", "[attention]") {
  const DType dt = DType::f64;
  Tensor q = uniform_input({2, 2, 5, 4}, dt), k = uniform_input({2, 2, 5, 4}, dt), v = uniform_input({2, 2, 5, 3}, dt);
  for (int64_t M : {2, 5, 8}) {
    Tensor E = uniform_input({M, 4}, dt);
    Tensor full = attention(q, k, v, true, {}, E);
    for (int64_t L : {1, 2}) {
      // The last L queries against all 5 keys: the definition, and the last rows of the full result.
      Tensor tail = narrow(q, 2, 5 - L, L);
      Tensor out = attention(tail, k, v, true, {}, E);
      INFO("M = " << M << ", L = " << L);
      check_close(out.to_vector<double>(), reference(tail, k, v, E, {}));
      check_close(out.to_vector<double>(), contiguous(narrow(full, 2, 5 - L, L)).to_vector<double>());
    }
  }
}

TEST_CASE("relative attention equals its explicit definition", "[attention]") {
  const DType dt = DType::f64;
  Tensor q = uniform_input({2, 2, 5, 4}, dt), k = uniform_input({2, 2, 5, 4}, dt), v = uniform_input({2, 2, 5, 3}, dt);
  SECTION("table as long as the sequence") {
    Tensor E = uniform_input({5, 4}, dt);
    check_close(attention(q, k, v, true, {}, E).to_vector<double>(), reference(q, k, v, E, {}));
  }
  SECTION("longer table: its last rows are used") {
    Tensor E = uniform_input({8, 4}, dt);
    check_close(attention(q, k, v, true, {}, E).to_vector<double>(), reference(q, k, v, E, {}));
  }
  SECTION("shorter table: far distances get a zero embedding") {
    Tensor E = uniform_input({2, 4}, dt);
    check_close(attention(q, k, v, true, {}, E).to_vector<double>(), reference(q, k, v, E, {}));
  }
  SECTION("with key padding") {
    Tensor E = uniform_input({5, 4}, dt);
    std::vector<int64_t> pad{0, 0, 1, 0, 1, 1, 0, 0, 0, 0};
    Tensor mask = Tensor::from_vector<int64_t>(pad, {2, 5});
    check_close(attention(q, k, v, true, mask, E).to_vector<double>(), reference(q, k, v, E, pad));
  }
  SECTION("causal without relative positions") {
    check_close(attention(q, k, v, true).to_vector<double>(), reference(q, k, v, {}, {}));
  }
}

TEST_CASE("plain attention by hand", "[attention]") {
  // One query [1, 0] (D = 2), keys [0, 0] and [sqrt(2) ln 3, 0]: scores / sqrt(2) are 0 and
  // ln 3, so p = [1/4, 3/4]; values 4 and 8 -> 1 + 6 = 7.
  const double s = std::log(3.0) * std::sqrt(2.0);
  Tensor q = Tensor::from_vector<double>({1, 0}, {1, 1, 1, 2});
  Tensor k = Tensor::from_vector<double>({0, 0, s, 0}, {1, 1, 2, 2});
  Tensor v = Tensor::from_vector<double>({4, 8}, {1, 1, 2, 1});
  CHECK(attention(q, k, v).item<double>() == Approx(7));
}

TEST_CASE("masked keys get exactly zero weight, a fully masked query gives 0, not NaN", "[attention]") {
  const DType dt = DType::f64;
  Tensor q = uniform_input({1, 1, 3, 2}, dt).set_requires_grad(true);
  Tensor k = uniform_input({1, 1, 3, 2}, dt).set_requires_grad(true);
  Tensor v = uniform_input({1, 1, 3, 2}, dt).set_requires_grad(true);
  Tensor pad = Tensor::from_vector<int64_t>({1, 0, 0}, {1, 3});  // key 0 is padding
  Tensor out = attention(q, k, v, true, pad);
  auto o = out.to_vector<double>();
  CHECK(o[0] == 0);  // query 0 sees only key 0, which is padding
  CHECK(o[1] == 0);
  // Query 1 sees only key 1 (key 0 padded, key 2 in the future): its output is v_1 exactly.
  CHECK(o[2] == v.to_vector<double>()[2]);
  backward(sum(out));
  for (const Tensor& t : {q, k, v})
    for (double g : t.grad().to_vector<double>()) CHECK(std::isfinite(g));
  // No gradient reaches the padded key's value.
  CHECK(v.grad().to_vector<double>()[0] == 0);
  // Changing a masked value changes nothing, bit for bit.
  Tensor v2 = clone(v.detach());
  fill_(narrow(v2, 2, 0, 1), 1e6);
  CHECK(attention(q.detach(), k.detach(), v2, true, pad).to_vector<double>() == o);
}

TEST_CASE("attention errors name the op and the shapes", "[attention][errors]") {
  Tensor q = Tensor::zeros({1, 2, 3, 4}), k = Tensor::zeros({1, 2, 5, 4});
  CHECK_THROWS_WITH(attention(q, Tensor::zeros({1, 2, 5, 3}), k),
                    Contains("attention") && Contains("[1, 2, 3, 4]") && Contains("[1, 2, 5, 3]"));
  CHECK_THROWS_WITH(attention(k, q, q, true, {}, Tensor::zeros({5, 4})),
                    Contains("attention") && Contains("L <= S") && Contains("[1, 2, 5, 4]"));
  CHECK_THROWS_WITH(attention(q, q, q, false, {}, Tensor::zeros({3, 4})), Contains("causal"));
  CHECK_THROWS_WITH(attention(q, k, k, false, Tensor::zeros({1, 3})),
                    Contains("key_padding_mask") && Contains("[1, 5]"));
  CHECK_THROWS_WITH(relative_skew(Tensor::zeros({3, 2})), Contains("relative_skew") && Contains("[3, 2]"));
}

TEST_CASE("the CPU's attention slot takes every floating call, gradients included", "[attention]") {
  const DType dt = DType::f64;
  Tensor q = uniform_input({2, 2, 3, 4}, dt), k = uniform_input({2, 2, 7, 4}, dt), v = uniform_input({2, 2, 7, 3}, dt);
  Tensor E = uniform_input({5, 4}, dt);
  std::vector<int64_t> pad{0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
  Tensor mask = Tensor::from_vector<int64_t>(pad, {2, 7});
  Tensor q_grad = q.detach();
  q_grad.set_requires_grad(true);
  for (const Tensor& query : {q, q_grad}) {
    std::optional<Tensor> fused = fused_attention_kernel(Device::cpu(), query, k, v, mask, E, true);
    REQUIRE(fused.has_value());
    check_close(fused->to_vector<double>(), reference(q, k, v, E, pad));
    CHECK(fused->requires_grad() == query.requires_grad());
  }
  // Integer operands: not the slot's (the chain of ops then names what is wrong).
  Tensor q_int = Tensor::zeros({2, 2, 3, 4}, DType::i64);
  CHECK_FALSE(fused_attention_kernel(Device::cpu(), q_int, k, v, mask, E, true).has_value());
}
