#include "ops/samples.h"

#include <atomic>

#include "engine/rng.h"

namespace cadenza::testing {
namespace {
std::atomic<uint64_t> g_stream{0x5eed};
}

Tensor uniform_input(const Shape& shape, DType dtype, double lo, double hi) {
  uint64_t key = g_stream++;
  int64_t n = numel(shape);
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * uniform_from_bits(philox(static_cast<uint64_t>(i), key)[0]);
  return dispatch_float(dtype, "uniform_input", [&]<class T>() { return Tensor::from_values<T>(v, shape); });
}

Tensor index_input(const Shape& shape, int64_t n) {
  uint64_t key = g_stream++;
  std::vector<int64_t> v(numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = philox(i, key)[0] % static_cast<uint64_t>(n);
  return Tensor::from_vector<int64_t>(v, shape);
}

}  // namespace cadenza::testing
