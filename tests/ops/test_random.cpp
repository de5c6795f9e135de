// Random tensors and dropout: reproducible from a seed, independent of the thread count,
// with the right moments.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "engine/cpu/parallel.h"
#include "ops/ops.h"

using namespace cadenza;
using Catch::Matchers::Contains;

namespace {
constexpr int64_t kN = 100000;

struct Moments {
  double mean, var;
};
Moments moments(const Tensor& t) {
  std::vector<double> v = to_dtype(t, DType::f64).to_vector<double>();
  double m = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return {m, s / double(v.size())};
}

// fn() at one thread and at two must agree bit for bit.
template <class T, class Fn>
void check_thread_independent(Fn fn) {
  const int prev = cpu::num_threads();
  cpu::set_num_threads(1);
  std::vector<T> one = fn().template to_vector<T>();
  cpu::set_num_threads(2);
  std::vector<T> two = fn().template to_vector<T>();
  cpu::set_num_threads(prev);
  CHECK(one == two);
}
}  // namespace

TEST_CASE("draws are reproducible from the seed and differ after it", "[random]") {
  Generator a(42), b(42), c(43);
  std::vector<float> first = rand({64}, DType::f32, &a).to_vector<float>();
  CHECK(first == rand({64}, DType::f32, &b).to_vector<float>());
  CHECK(first != rand({64}, DType::f32, &c).to_vector<float>());
  CHECK(first != rand({64}, DType::f32, &a).to_vector<float>());  // the stream moved on
  a.manual_seed(42);
  CHECK(first == rand({64}, DType::f32, &a).to_vector<float>());

  manual_seed(7);
  std::vector<double> d1 = randn({16}, DType::f64).to_vector<double>();
  manual_seed(7);
  CHECK(d1 == randn({16}, DType::f64).to_vector<double>());
}

TEST_CASE("uniform, normal and integer draws have the right moments", "[random]") {
  Generator g(1);
  for (DType dt : {DType::f32, DType::f64}) {
    INFO(dtype_name(dt));
    Tensor u = rand({kN}, dt, &g);
    CHECK(min(u).item<double>() >= 0);
    CHECK(max(u).item<double>() < 1);
    Moments mu = moments(u);
    CHECK(mu.mean == Approx(0.5).margin(0.01));
    CHECK(mu.var == Approx(1.0 / 12).margin(0.01));

    Tensor n = randn({kN}, dt, &g);
    CHECK(n.dtype() == dt);
    Moments mn = moments(n);
    CHECK(mn.mean == Approx(0).margin(0.02));
    CHECK(mn.var == Approx(1).margin(0.02));
    CHECK(std::isfinite(max(abs(n)).item<double>()));
  }
  Tensor r = randint(-3, 4, {kN}, &g);
  CHECK(r.dtype() == DType::i64);
  CHECK(min(r).item<int64_t>() == -3);
  CHECK(max(r).item<int64_t>() == 3);
  CHECK(moments(r).mean == Approx(0).margin(0.03));
  CHECK(moments(r).var == Approx(4).margin(0.1));  // (7^2 - 1) / 12
}

TEST_CASE("random kernels give the same numbers at any thread count", "[random]") {
  check_thread_independent<float>([] {
    Generator g(3);
    return rand({kN}, DType::f32, &g);
  });
  check_thread_independent<double>([] {
    Generator g(3);
    return randn({kN}, DType::f64, &g);
  });
  check_thread_independent<int64_t>([] {
    Generator g(3);
    return randint(0, 1000, {kN}, &g);
  });
  check_thread_independent<float>([] {
    Generator g(3);
    return bernoulli({kN}, 0.3, DType::f32, &g);
  });
  check_thread_independent<float>([] {
    Generator g(3);
    return dropout(Tensor::ones({kN}), 0.25, true, &g);
  });
}

TEST_CASE("random_ fills a strided view in place with the draw rand / randn would make", "[random]") {
  Tensor base = Tensor::zeros({4, 6}, DType::f64);
  Tensor view = narrow(base, 1, 1, 3);  // [4, 3] inside rows of 6
  Generator a(7), b(7);
  random_(view, RandomDist::uniform, {2, 5}, &a);
  std::vector<double> expect = add(mul(rand({4, 3}, DType::f64, &b), 3.0), 2.0).to_vector<double>();
  std::vector<double> got = contiguous(view).to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expect[i]).epsilon(1e-15));
  std::vector<double> all = base.to_vector<double>();
  for (int64_t r = 0; r < 4; ++r) {  // untouched columns stay zero
    CHECK(all[size_t(r * 6)] == 0);
    CHECK(all[size_t(r * 6 + 4)] == 0);
    CHECK(all[size_t(r * 6 + 5)] == 0);
  }
  CHECK_THROWS_WITH(random_(Tensor::zeros({2}, DType::i64), RandomDist::uniform, {0, 1}), Contains("random_"));
}

TEST_CASE("bernoulli follows its probabilities", "[random]") {
  Generator g(5);
  CHECK(moments(bernoulli({kN}, 0.3, DType::f32, &g)).mean == Approx(0.3).margin(0.01));
  std::vector<double> p(3000);
  for (size_t i = 0; i < p.size(); ++i) p[i] = i % 3 == 0 ? 0.0 : i % 3 == 1 ? 1.0 : 0.75;
  std::vector<double> b = bernoulli(Tensor::from_vector<double>(p, {1000, 3}), &g).to_vector<double>();
  double hits = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0) CHECK(b[i] == 0.0);
    if (p[i] == 1.0) CHECK(b[i] == 1.0);
    if (p[i] == 0.75) hits += b[i];
  }
  CHECK(hits / 1000 == Approx(0.75).margin(0.05));
  CHECK_THROWS_WITH(bernoulli(Tensor::from_vector<float>({0.5f, 1.5f}, {2})), Contains("bernoulli") && Contains("1.5"));
  CHECK_THROWS_WITH(bernoulli({2}, -0.1), Contains("bernoulli") && Contains("-0.1"));
}

TEST_CASE("dropout zeroes a fraction p and scales the rest by 1 / (1 - p)", "[random]") {
  Generator g(9);
  const double p = 0.25;
  Tensor x = Tensor::full({kN}, 2.0).set_requires_grad(true);
  Tensor y = dropout(x, p, true, &g);
  std::vector<float> v = y.to_vector<float>();
  int64_t kept = 0;
  for (float e : v) {
    CHECK((e == 0.0f || e == Approx(2.0 / (1 - p))));
    kept += e != 0.0f;
  }
  CHECK(double(kept) / kN == Approx(1 - p).margin(0.01));
  // The gradient uses the same mask: mask / (1 - p), i.e. y / x here.
  backward(sum(y));
  std::vector<float> gx = x.grad().to_vector<float>();
  for (int64_t i = 0; i < kN; i += 997) CHECK(gx[i] == Approx(v[i] / 2));

  CHECK(dropout(x, p, false, &g).is_same(x));  // evaluation is the identity
  CHECK(dropout(x, 0.0, true, &g).is_same(x));
  CHECK(max(abs(dropout(x, 1.0, true, &g))).item<float>() == 0.0f);
  CHECK_THROWS_WITH(dropout(x, 1.5, true), Contains("dropout") && Contains("1.5"));
}

TEST_CASE("random argument errors", "[random][errors]") {
  CHECK_THROWS_WITH(randint(3, 3, {2}), Contains("randint") && Contains("[3, 3)"));
  CHECK_THROWS_WITH(rand({2}, DType::i64), Contains("rand") && Contains("i64"));
  CHECK_THROWS_WITH(randn({2}, DType::i32), Contains("randn") && Contains("i32"));
}
