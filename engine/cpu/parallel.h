#pragma once
// One thread setting for the whole CPU backend. oneTBB runs every parallel loop and every
// split GEMM; OpenBLAS itself is pinned to one thread, so the two never oversubscribe.
// CADENZA_THREADS sets the count (default: the number of cores).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <cstdint>

namespace cadenza::cpu {

int num_threads();
void set_num_threads(int n);

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in parallel when
// there is more than one chunk's worth of work.
template <class Fn>
void parallel_for(int64_t n, int64_t grain, Fn&& fn) {
  if (n <= 0) return;
  if (n <= grain || num_threads() == 1) {
    fn(int64_t{0}, n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, grain),
                    [&](const tbb::blocked_range<int64_t>& r) { fn(r.begin(), r.end()); });
}

}  // namespace cadenza::cpu
