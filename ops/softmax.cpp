#include "ops/softmax.h"

#include <cmath>
#include <limits>
#include <vector>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

// x viewed as [outer, n, inner]; each of the outer*inner rows has n elements `inner` apart.
template <class T>
void softmax_rows(bool log, const T* x, T* y, int64_t outer, int64_t n, int64_t inner) {
  const int64_t rows = outer * inner;
  cpu::parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t base = (r / inner) * n * inner + r % inner;
      const T* xr = x + base;
      T* yr = y + base;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t k = 0; k < n; ++k) m = std::max(m, xr[k * inner]);
      if (m == -std::numeric_limits<T>::infinity()) {  // fully masked row: no NaN
        for (int64_t k = 0; k < n; ++k) yr[k * inner] = log ? m : T(0);
        continue;
      }
      // Each exp once: kept in f64 for the normalisation (exp dominates this kernel).
      thread_local std::vector<double> e;
      e.resize(static_cast<size_t>(n));
      double s = 0;
      for (int64_t k = 0; k < n; ++k) s += (e[size_t(k)] = std::exp(static_cast<double>(xr[k * inner] - m)));
      if (log) {
        const T lse = m + static_cast<T>(std::log(s));
        for (int64_t k = 0; k < n; ++k) yr[k * inner] = xr[k * inner] - lse;
      } else {
        const double inv = 1.0 / s;
        for (int64_t k = 0; k < n; ++k) yr[k * inner] = static_cast<T>(e[size_t(k)] * inv);
      }
    }
  });
}

void softmax_cpu(bool log, const Tensor& x, int64_t axis, const Tensor& out) {
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
  for (int64_t d = axis + 1; d < x.dim(); ++d) inner *= x.shape()[d];
  dispatch_float(x.dtype(), log ? "log_softmax" : "softmax",
                 [&]<class T>() { softmax_rows<T>(log, x.data<T>(), out.data<T>(), outer, x.shape()[axis], inner); });
}

Tensor softmax_forward(bool log, const Tensor& x, int64_t axis) {
  const char* name = log ? "log_softmax" : "softmax";
  CADENZA_CHECK(is_floating(x.dtype()), "{}: expected a floating tensor, got {}", name, dtype_name(x.dtype()));
  Tensor src = dense_untracked(x);
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  if (x.numel() > 0) softmax_kernel(x.device(), log, src, axis, out);
  return out;
}

}  // namespace

Kernel<void(bool, const Tensor&, int64_t, const Tensor&)> softmax_kernel("softmax", &softmax_cpu);

Tensor softmax(const Tensor& x, int64_t axis) {
  if (x.dim() == 0) return reshape(softmax(reshape(x, {1}), 0), {});
  axis = normalize_axis("softmax", axis, x.dim());
  Tensor y = softmax_forward(false, x, axis);
  // dx = y * (g - sum(g * y))
  record("softmax", {x}, {y}, {y}, [axis](const Grads& g, const Grads& s) -> Grads {
    return {mul(s[0], sub(g[0], sum(mul(g[0], s[0]), {axis}, true)))};
  });
  return y;
}

Tensor log_softmax(const Tensor& x, int64_t axis) {
  if (x.dim() == 0) return reshape(log_softmax(reshape(x, {1}), 0), {});
  axis = normalize_axis("log_softmax", axis, x.dim());
  Tensor y = softmax_forward(true, x, axis);
  // dx = g - exp(y) * sum(g)
  record("log_softmax", {x}, {y}, {y}, [axis](const Grads& g, const Grads& s) -> Grads {
    return {sub(g[0], mul(exp(s[0]), sum(g[0], {axis}, true)))};
  });
  return y;
}

// ---- registry samples: the reduced axis first, middle and last, and a scalar.
namespace {
using testing::uniform_input;
const bool registered = [] {
  for (bool log : {false, true}) {
    OpRegistry::add({log ? "log_softmax" : "softmax", true, [log](DType dt) {
                       auto f = [log](int64_t axis) {
                         return [log, axis](const std::vector<Tensor>& x) {
                           return std::vector<Tensor>{log ? log_softmax(x[0], axis) : softmax(x[0], axis)};
                         };
                       };
                       return std::vector<OpSample>{
                           {"[3,5] axis -1", {uniform_input({3, 5}, dt, -2, 2)}, f(-1)},
                           {"[2,4,3] axis 1", {uniform_input({2, 4, 3}, dt, -2, 2)}, f(1)},
                           {"[4,3] axis 0", {uniform_input({4, 3}, dt, -2, 2)}, f(0)},
                       };
                     }});
  }
  return true;
}();
}  // namespace

}  // namespace cadenza
