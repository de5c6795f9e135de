#include "ops/random.h"

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <type_traits>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"

namespace cadenza {
namespace {

constexpr int64_t kGrain = 1 << 12;

// 24 random bits for f32 (exact), 53 for f64.
template <class T>
double uniform_for(const PhiloxBlock& w) {
  if constexpr (std::is_same_v<T, double>)
    return uniform53(w[0], w[1]);
  else
    return uniform_from_bits(w[0]);
}

template <class T>
T draw(RandomDist dist, const PhiloxBlock& w, RandomParams p) {
  static_assert(kRandomDistCount == 4, "a RandomDist of ops/op_enums.h without its CPU draw below");
  switch (dist) {
    case RandomDist::uniform: return static_cast<T>(p.a + (p.b - p.a) * uniform_for<T>(w));
    case RandomDist::normal: {
      // Box-Muller; u1 in (0, 1] keeps the log finite. One normal per block, so element i
      // never depends on a neighbour.
      double u1, u2;
      if constexpr (std::is_same_v<T, double>) {
        u1 = 1.0 - uniform53(w[0], w[1]);
        u2 = uniform53(w[2], w[3]);
      } else {
        u1 = 1.0 - uniform_from_bits(w[0]);
        u2 = uniform_from_bits(w[1]);
      }
      return static_cast<T>(p.a + p.b * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
    }
    case RandomDist::bernoulli:
      // 24-bit resolution: u < p is (w >> 8) < ceil(p * 2^24), an integer test any backend can repeat.
      return uniform_from_bits(w[0]) < p.a ? static_cast<T>(p.b) : T(0);
    case RandomDist::randint: {
      // Lemire's multiply-shift maps 64 random bits onto the range (bias below range / 2^64).
      const auto lo = static_cast<int64_t>(p.a);
      const auto range = static_cast<uint64_t>(static_cast<int64_t>(p.b) - lo);
      const uint64_t x = (static_cast<uint64_t>(w[0]) << 32) | w[1];
      return static_cast<T>(lo + static_cast<int64_t>((static_cast<unsigned __int128>(x) * range) >> 64));
    }
  }
  return T(0);
}

void random_cpu(RandomDist dist, const Tensor& out, uint64_t seed, uint64_t offset, RandomParams p) {
  dispatch_all(out.dtype(), [&]<class T>() {
    T* o = out.data<T>();
    cpu::parallel_for(out.numel(), kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) o[i] = draw<T>(dist, philox(offset + i, seed), p);
    });
  });
}

void bernoulli_cpu(const Tensor& p, const Tensor& out, uint64_t seed, uint64_t offset) {
  dispatch_float(p.dtype(), "bernoulli", [&]<class T>() {
    const T* pp = p.data<T>();
    T* o = out.data<T>();
    cpu::parallel_for(out.numel(), kGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        o[i] = draw<T>(RandomDist::bernoulli, philox(offset + i, seed), {static_cast<double>(pp[i]), 1.0});
    });
  });
}

Tensor fill_random(RandomDist dist, const Shape& shape, DType dtype, RandomParams p, Generator* gen,
                   Device device = Device::cpu()) {
  Tensor out = make_tensor(shape, dtype, device);
  RandomDraw r = reserve_draw(gen, out.numel());
  random_kernel(device, dist, out, r.seed, r.offset, p);
  return out;
}

void check_floating(const char* op, DType dtype) {
  CADENZA_CHECK(is_floating(dtype), "{}: expected a floating dtype (f32 or f64), got {}", op, dtype_name(dtype));
}

}  // namespace

Kernel<void(RandomDist, const Tensor&, uint64_t, uint64_t, RandomParams)> random_kernel("random", &random_cpu);
Kernel<void(const Tensor&, const Tensor&, uint64_t, uint64_t)> bernoulli_kernel("bernoulli", &bernoulli_cpu);

RandomDraw reserve_draw(Generator* gen, int64_t blocks) {
  Generator& g = gen ? *gen : default_generator();
  return {g.seed(), g.reserve(static_cast<uint64_t>(blocks))};
}

Tensor rand(const Shape& shape, DType dtype, Generator* gen) {
  check_floating("rand", dtype);
  return fill_random(RandomDist::uniform, shape, dtype, {0, 1}, gen);
}

Tensor randn(const Shape& shape, DType dtype, Generator* gen) {
  check_floating("randn", dtype);
  return fill_random(RandomDist::normal, shape, dtype, {0, 1}, gen);
}

void random_(const Tensor& t, RandomDist dist, RandomParams p, Generator* gen) {
  check_floating("random_", t.dtype());
  NoGradGuard no_grad;
  copy_(t, fill_random(dist, t.shape(), t.dtype(), p, gen, t.device()));
}

Tensor randint(int64_t lo, int64_t hi, const Shape& shape, Generator* gen) {
  constexpr int64_t kExact = int64_t{1} << 53;  // the bounds travel as doubles
  CADENZA_CHECK(lo < hi, "randint: empty range [{}, {})", lo, hi);
  CADENZA_CHECK(std::abs(lo) <= kExact && std::abs(hi) <= kExact, "randint: bounds [{}, {}) beyond +-2^53", lo, hi);
  return fill_random(RandomDist::randint, shape, DType::i64, {static_cast<double>(lo), static_cast<double>(hi)}, gen);
}

Tensor bernoulli(const Tensor& p, Generator* gen) {
  check_floating("bernoulli", p.dtype());
  if (p.numel() > 0) {
    NoGradGuard ng;
    const double lo = min(p).item<double>(), hi = max(p).item<double>();
    CADENZA_CHECK(lo >= 0 && hi <= 1, "bernoulli: probabilities must lie in [0, 1], got values in [{}, {}]", lo, hi);
  }
  Tensor dense = dense_untracked(p);
  Tensor out = make_tensor(p.shape(), p.dtype(), p.device());
  RandomDraw r = reserve_draw(gen, out.numel());
  bernoulli_kernel(p.device(), dense, out, r.seed, r.offset);
  return out;
}

Tensor bernoulli(const Shape& shape, double p, DType dtype, Generator* gen) {
  check_floating("bernoulli", dtype);
  CADENZA_CHECK(p >= 0 && p <= 1, "bernoulli: probability {} outside [0, 1]", p);
  return fill_random(RandomDist::bernoulli, shape, dtype, {p, 1}, gen);
}

Tensor dropout(const Tensor& x, double p, bool training, Generator* gen) {
  CADENZA_CHECK(p >= 0 && p <= 1, "dropout: probability {} outside [0, 1]", p);
  check_floating("dropout", x.dtype());
  if (!training || p == 0) return x;
  // The mask already holds 1 / (1 - p) where kept, so mul's backward is g * mask / (1 - p).
  Tensor mask =
      fill_random(RandomDist::bernoulli, x.shape(), x.dtype(), {1 - p, p < 1 ? 1 / (1 - p) : 0}, gen, x.device());
  return mul(x, mask);
}

// ---- registry samples
namespace {
const bool registered = [] {
  OpRegistry::add({"dropout", true, [](DType dt) {
                     OpSample s{
                         "[4, 5] p = 0.4", {testing::uniform_input({4, 5}, dt)}, [](const std::vector<Tensor>& in) {
                           // A generator seeded here gives every evaluation the same mask, as finite differences need.
                           Generator g(1234);
                           return std::vector<Tensor>{dropout(in[0], 0.4, true, &g)};
                         }};
                     return std::vector<OpSample>{s};
                   }});
  for (const char* name : {"rand", "randn", "randint", "bernoulli"}) OpRegistry::add({name, false, nullptr});
  return true;
}();
}  // namespace

}  // namespace cadenza
