// The machine's physical limits, measured rather than taken from a peer library:
//   clock_ghz      the core's running clock: a chain of dependent integer adds retires one
//                  add per cycle on every x86-64 core, so adds per second is cycles per
//                  second (the best of several timings: turbo included, preemption not);
//   l3_triad_gbs   STREAM triad a[i] = b[i] + s * c[i] over 4 MB in all (fits in L3);
//   dram_triad_gbs the same over 1 GB (DRAM), both on CADENZA_THREADS threads, counting
//                  the 3 streams' bytes (read b, c, write a; write-allocate not counted).
// bench/compare turns the clock into peak FLOP/s with the core's FMA width and units.
//
//   build/bench/engine/bench_machine_limits        (one JSON line)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "engine/cpu/parallel.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double clock_ghz() {
  constexpr long kAdds = 200'000'000;
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    long x = 0;
    auto t0 = Clock::now();
    for (long i = 0; i < kAdds / 10; ++i) {
      // Ten adds on one register, each waiting for the one before.
      asm volatile(
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
          : "+r"(x));
    }
    best = std::max(best, double(x) / seconds_since(t0) / 1e9);
  }
  return best;
}

// The triad itself, vectorised (the build's -O2 leaves a loop with a remainder scalar).
__attribute__((optimize("O3"))) void triad(float* __restrict a, const float* __restrict b, const float* __restrict c,
                                           size_t lo, size_t hi) {
  for (size_t i = lo; i < hi; ++i) a[i] = b[i] + 0.5f * c[i];
}

// GB/s of the triad over `bytes` in all (three float arrays), split over the threads; each
// thread first-touches its own part so its pages sit near it.
double triad_gbs(size_t bytes, int threads) {
  const size_t n = bytes / 3 / sizeof(float);
  std::vector<float> a(n), b(n), c(n);
  auto parallel = [&](auto&& body) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { body(n * t / threads, n * (t + 1) / threads); });
    for (std::thread& th : pool) th.join();
  };
  parallel([&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) b[i] = 1.f, c[i] = 2.f, a[i] = 0.f;
  });
  const int reps = int(std::max<size_t>(2, (size_t(4) << 30) / bytes));  // ~4 GB moved per timing
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    auto t0 = Clock::now();
    parallel([&](size_t lo, size_t hi) {
      for (int r = 0; r < reps; ++r) {
        triad(a.data(), b.data(), c.data(), lo, hi);
        asm volatile("" ::: "memory");  // keep every rep's stores
      }
    });
    best = std::max(best, 3.0 * n * sizeof(float) * reps / seconds_since(t0) / 1e9);
  }
  return best;
}

}  // namespace

int main() {
  const int threads = cadenza::cpu::num_threads();
  nlohmann::json out{{"clock_ghz", clock_ghz()},
                     {"l3_triad_gbs", triad_gbs(size_t(4) << 20, threads)},
                     {"dram_triad_gbs", triad_gbs(size_t(1) << 30, threads)},
                     {"threads", threads}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
