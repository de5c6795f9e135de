#include "ops/sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/random.h"
#include "ops/reduce.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {

constexpr int64_t kGrain = 1 << 14;

void multinomial_cpu(const Tensor& w, const Tensor& out, uint64_t seed, uint64_t offset) {
  const int64_t rows = w.shape()[0], V = w.shape()[1], S = out.shape()[1];
  dispatch_float(w.dtype(), "multinomial", [&]<class T>() {
    const T* wp = w.data<T>();
    int64_t* op = out.data<int64_t>();
    cpu::parallel_for(rows, std::max<int64_t>(1, kGrain / (V + S)), [&](int64_t b, int64_t e) {
      std::vector<double> cdf(V);
      for (int64_t r = b; r < e; ++r) {
        const T* row = wp + r * V;
        double total = 0;
        int64_t last = -1;  // the last token with positive weight
        for (int64_t v = 0; v < V; ++v) {
          const double x = row[v];
          CADENZA_CHECK(x >= 0 && std::isfinite(x), "multinomial: weight {} at [{}, {}] is negative or not finite", x,
                        r, v);
          if (x > 0) last = v;
          cdf[v] = total += x;
        }
        CADENZA_CHECK(last >= 0, "multinomial: row {} has no positive weight", r);
        for (int64_t s = 0; s < S; ++s) {
          PhiloxBlock bits = philox(offset + r * S + s, seed);
          const double u = uniform53(bits[0], bits[1]) * total;
          // The first token whose cumulative weight exceeds u (zero-weight tokens never do);
          // rounding can leave u at the total, which belongs to the last positive token.
          const int64_t v = std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
          op[r * S + s] = std::min(v, last);
        }
      }
    });
  });
}

// How many of the best tokens (`order`, best first) it takes to reach mass p of the
// row's softmax; at least one.
template <class T>
int64_t nucleus_size(const T* x, const std::vector<int64_t>& order, double p) {
  const auto V = static_cast<int64_t>(order.size());
  const double m = x[order[0]];
  if (std::isinf(m)) return V;  // no finite logit: nothing to weigh
  double total = 0;
  for (int64_t v = 0; v < V; ++v) total += std::exp(x[v] - m);
  double mass = 0;
  int64_t keep = 0;
  while (keep < V && mass < p * total) mass += std::exp(x[order[keep++]] - m);
  return std::max<int64_t>(keep, 1);
}

void logit_filter_cpu(LogitFilter f, const Tensor& logits, const Tensor& out, double param) {
  const int64_t rows = logits.shape()[0], V = logits.shape()[1];
  dispatch_float(logits.dtype(), "logit filter", [&]<class T>() {
    const T* lp = logits.data<T>();
    T* op = out.data<T>();
    cpu::parallel_for(rows, std::max<int64_t>(1, kGrain / V), [&](int64_t b, int64_t e) {
      std::vector<int64_t> order(V);
      for (int64_t r = b; r < e; ++r) {
        const T* x = lp + r * V;
        T* y = op + r * V;
        // NaN would break the strict ordering the sort relies on.
        for (int64_t v = 0; v < V; ++v)
          CADENZA_CHECK(!std::isnan(x[v]), "{}: NaN logit at [{}, {}]",
                        f == LogitFilter::top_k ? "top_k_filter" : "top_p_filter", r, v);
        std::iota(order.begin(), order.end(), int64_t{0});
        auto better = [x](int64_t a, int64_t c) { return x[a] > x[c] || (x[a] == x[c] && a < c); };
        int64_t keep;
        static_assert(kLogitFilterCount == 2, "a LogitFilter of ops/op_enums.h without its CPU filter");
        if (f == LogitFilter::top_k) {
          keep = std::min(static_cast<int64_t>(param), V);
          std::partial_sort(order.begin(), order.begin() + keep, order.end(), better);
        } else {
          std::sort(order.begin(), order.end(), better);
          keep = nucleus_size(x, order, param);
        }
        std::fill(y, y + V, -std::numeric_limits<T>::infinity());
        for (int64_t i = 0; i < keep; ++i) y[order[i]] = x[order[i]];
      }
    });
  });
}

// t (no history) as contiguous [rows, V] over its last axis.
Tensor as_rows(const char* op, const Tensor& t) {
  CADENZA_CHECK(t.dim() >= 1 && t.shape().back() > 0, "{}: expected [..., V] with V > 0, got {}", op,
                shape_str(t.shape()));
  CADENZA_CHECK(is_floating(t.dtype()), "{}: expected a floating tensor, got {}", op, dtype_name(t.dtype()));
  return reshape(dense_untracked(t), {-1, t.shape().back()});
}

Tensor filter(const char* op, LogitFilter f, const Tensor& logits, double param) {
  Tensor rows = as_rows(op, logits);
  Tensor out = make_tensor(logits.shape(), logits.dtype(), logits.device());
  logit_filter_kernel(logits.device(), f, rows, reshape(out, rows.shape()), param);
  return out;
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, uint64_t, uint64_t)> multinomial_kernel("multinomial", &multinomial_cpu);
Kernel<void(LogitFilter, const Tensor&, const Tensor&, double)> logit_filter_kernel("logit_filter", &logit_filter_cpu);

Tensor multinomial(const Tensor& probs, int64_t num_samples, Generator* gen) {
  CADENZA_CHECK(num_samples >= 1, "multinomial: num_samples must be at least 1, got {}", num_samples);
  Tensor rows = as_rows("multinomial", probs);
  Shape shape = probs.shape();
  shape.back() = num_samples;
  Tensor out = make_tensor(shape, DType::i64, probs.device());
  RandomDraw r = reserve_draw(gen, rows.shape()[0] * num_samples);
  multinomial_kernel(probs.device(), rows, reshape(out, {rows.shape()[0], num_samples}), r.seed, r.offset);
  return out;
}

Tensor top_k_filter(const Tensor& logits, int64_t k) {
  CADENZA_CHECK(k >= 1, "top_k_filter: k must be at least 1, got {}", k);
  return filter("top_k_filter", LogitFilter::top_k, logits, static_cast<double>(k));
}

Tensor top_p_filter(const Tensor& logits, double p) {
  CADENZA_CHECK(p > 0 && p <= 1, "top_p_filter: p must lie in (0, 1], got {}", p);
  return filter("top_p_filter", LogitFilter::top_p, logits, p);
}

Tensor sample_logits(const Tensor& logits, double temperature, int64_t top_k, double top_p, Generator* gen) {
  CADENZA_CHECK(temperature > 0 && std::isfinite(temperature),
                "sample_logits: temperature must be positive and finite, got {}", temperature);
  CADENZA_CHECK(top_k >= 0, "sample_logits: top_k must be at least 0 (0 = off), got {}", top_k);
  CADENZA_CHECK(top_p > 0 && top_p <= 1, "sample_logits: top_p must lie in (0, 1] (1 = off), got {}", top_p);
  NoGradGuard ng;
  Tensor x = div(as_rows("sample_logits", logits), temperature);
  if (top_k > 0) x = top_k_filter(x, top_k);
  if (top_p < 1) x = top_p_filter(x, top_p);
  // Unnormalised softmax weights: multinomial normalises, and the shift keeps exp finite.
  Tensor ids = multinomial(exp(sub(x, max(x, {-1}, true))), 1, gen);
  Shape lead(logits.shape().begin(), logits.shape().end() - 1);
  return reshape(ids, lead);
}

namespace {
const bool registered = [] {
  for (const char* name : {"multinomial", "top_k_filter", "top_p_filter", "sample_logits"})
    OpRegistry::add({name, false, nullptr});
  return true;
}();
}  // namespace

}  // namespace cadenza
