#include "ops/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/samples.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

// x split into kept axes (outer, one per output element) and reduced axes (inner).
struct ReduceLayout {
  Shape kept_shape, kept_strides, red_shape, red_strides;
  int64_t n_out = 1, n_red = 1;
};

ReduceLayout split_axes(const Tensor& x, const std::vector<int64_t>& axes) {
  ReduceLayout L;
  std::vector<bool> is_red(x.dim(), false);
  for (int64_t a : axes) is_red[a] = true;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (is_red[d]) {
      // Reduced neighbours that are one run in memory become one axis (e.g. the H, W of a
      // batch norm's N, H, W): longer inner runs, the same visiting order.
      if (d > 0 && is_red[d - 1] && L.red_strides.back() == x.strides()[d] * x.shape()[d]) {
        L.red_shape.back() *= x.shape()[d];
        L.red_strides.back() = x.strides()[d];
      } else {
        L.red_shape.push_back(x.shape()[d]);
        L.red_strides.push_back(x.strides()[d]);
      }
      L.n_red *= x.shape()[d];
    } else {
      L.kept_shape.push_back(x.shape()[d]);
      L.kept_strides.push_back(x.strides()[d]);
      L.n_out *= x.shape()[d];
    }
  }
  return L;
}

// Offset (in elements) of flat index i over (shape, strides).
inline int64_t offset_of(int64_t i, const Shape& shape, const Shape& strides) {
  int64_t off = 0;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    off += (i % shape[d]) * strides[d];
    i /= shape[d];
  }
  return off;
}

// Visits elements [begin, end) of the reduced sub-space at `base`, calling f(value, flat index).
template <class T, class F>
void visit_reduced(const T* base, const ReduceLayout& L, int64_t begin, int64_t end, F&& f) {
  if (L.red_shape.empty()) {
    f(base[0], 0);
    return;
  }
  const int64_t nd = static_cast<int64_t>(L.red_shape.size());
  const int64_t inner = L.red_shape[nd - 1], step = L.red_strides[nd - 1];
  int64_t i = begin;
  while (i < end) {
    int64_t j = i % inner;
    const T* p = base + offset_of(i, L.red_shape, L.red_strides);
    int64_t n = std::min(inner - j, end - i);
    for (int64_t k = 0; k < n; ++k) f(p[k * step], i + k);
    i += n;
  }
}

// Fixed-size chunks make a long reduction parallel yet give the same bits at any thread count.
constexpr int64_t kChunk = 8192;

// A sum over the leading axes of a contiguous x, viewed as [R, K] -> [K]: the gradients of
// biases and of broadcast operands. Walking each output's column would touch a new cache
// line per element; this adds whole rows into a strip of accumulators instead. Each output
// still adds its values in row order, so the bits equal the general path's.
template <class T, class Acc>
bool sum_leading_axes(const Tensor& x, const std::vector<int64_t>& axes, T* out) {
  const int64_t r = static_cast<int64_t>(axes.size());
  if (!x.is_contiguous() || r == 0 || r >= x.dim()) return false;
  for (int64_t i = 0; i < r; ++i)
    if (axes[size_t(i)] != i) return false;
  int64_t R = 1, K = 1;
  for (int64_t d = 0; d < x.dim(); ++d) (d < r ? R : K) *= x.shape()[d];
  constexpr int64_t kStrip = 256;
  if (K < 16 || K < cpu::num_threads()) return false;
  const T* xp = x.data<T>();
  cpu::parallel_for((K + kStrip - 1) / kStrip, 1, [&](int64_t b, int64_t e) {
    Acc acc[kStrip];
    for (int64_t s = b; s < e; ++s) {
      const int64_t j0 = s * kStrip, n = std::min(kStrip, K - j0);
      std::fill(acc, acc + n, Acc(0));
      for (int64_t i = 0; i < R; ++i) {
        const T* row = xp + i * K + j0;
        for (int64_t j = 0; j < n; ++j) acc[j] += Acc(row[j]);
      }
      for (int64_t j = 0; j < n; ++j) out[j0 + j] = static_cast<T>(acc[j]);
    }
  });
  return true;
}

template <class T>
void reduce_typed(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes, const Tensor& out) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  if (op == ReduceOp::sum && sum_leading_axes<T, Acc>(x, axes, out.data<T>())) return;
  ReduceLayout L = split_axes(x, axes);
  const T* xp = x.data<T>();
  T* op_out = out.data<T>();
  // Floating max/min start from -inf/+inf so that a slice of all -inf reduces to -inf.
  using Lim = std::numeric_limits<T>;
  const Acc high = Lim::has_infinity ? Acc(Lim::infinity()) : Acc(Lim::max());
  const Acc init = op == ReduceOp::sum ? Acc(0) : op == ReduceOp::max ? -high : high;
  // The two-way choices below know three reductions: a fourth needs its math here.
  static_assert(kReduceOpCount == 3, "a ReduceOp of ops/op_enums.h without its CPU math");
  auto combine = [op](Acc a, Acc b) -> Acc {
    if (op == ReduceOp::sum) return a + b;
    if (op == ReduceOp::max) return (b > a || std::isnan(static_cast<double>(b))) ? b : a;
    return (b < a || std::isnan(static_cast<double>(b))) ? b : a;
  };
  auto run_range = [&](const T* base, int64_t b, int64_t e) {
    Acc acc = init;
    visit_reduced(base, L, b, e, [&](T v, int64_t) { acc = combine(acc, Acc(v)); });
    return acc;
  };
  if (L.n_out >= cpu::num_threads() || L.n_red <= kChunk) {
    cpu::parallel_for(L.n_out, std::max<int64_t>(1, kChunk / std::max<int64_t>(L.n_red, 1)), [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o)
        op_out[o] = static_cast<T>(run_range(xp + offset_of(o, L.kept_shape, L.kept_strides), 0, L.n_red));
    });
    return;
  }
  int64_t nchunks = (L.n_red + kChunk - 1) / kChunk;
  std::vector<Acc> partial(nchunks);
  for (int64_t o = 0; o < L.n_out; ++o) {
    const T* base = xp + offset_of(o, L.kept_shape, L.kept_strides);
    cpu::parallel_for(nchunks, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) partial[c] = run_range(base, c * kChunk, std::min(L.n_red, (c + 1) * kChunk));
    });
    Acc acc = init;
    for (Acc p : partial) acc = combine(acc, p);
    op_out[o] = static_cast<T>(acc);
  }
}

void reduce_cpu(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes, const Tensor& out) {
  dispatch_all(x.dtype(), [&]<class T>() { reduce_typed<T>(op, x, axes, out); });
}

void arg_reduce_cpu(bool is_max, const Tensor& x, int64_t axis, const Tensor& out) {
  dispatch_all(x.dtype(), [&]<class T>() {
    ReduceLayout L = split_axes(x, {axis});
    const T* xp = x.data<T>();
    int64_t* o = out.data<int64_t>();
    cpu::parallel_for(L.n_out, 64, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        T best = T(0);
        int64_t best_i = -1;
        visit_reduced(xp + offset_of(i, L.kept_shape, L.kept_strides), L, 0, L.n_red, [&](T v, int64_t k) {
          if (best_i < 0 || (is_max ? v > best : v < best)) best = v, best_i = k;
        });
        o[i] = best_i;
      }
    });
  });
}

Shape kept_shape(const Shape& s, const std::vector<int64_t>& axes) {
  Shape r = s;
  for (int64_t a : axes) r[a] = 1;
  return r;
}

Shape drop_axes(const Shape& s, const std::vector<int64_t>& axes) {
  Shape r;
  for (size_t d = 0; d < s.size(); ++d)
    if (std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) == axes.end()) r.push_back(s[d]);
  return r;
}

// Runs the reduce kernel; returns the keepdim-shaped result (no history).
Tensor reduce_raw(ReduceOp op, const char* name, const Tensor& x, const std::vector<int64_t>& axes) {
  for (int64_t a : axes)
    CADENZA_CHECK(x.shape()[a] > 0 || op == ReduceOp::sum, "{}: axis {} of shape {} is empty", name, a,
                  shape_str(x.shape()));
  Tensor out = make_tensor(kept_shape(x.shape(), axes), x.dtype(), x.device());
  reduce_kernel(x.device(), op, x, axes, out);
  return out;
}

Tensor finish(const Tensor& kept, const std::vector<int64_t>& axes, bool keepdim) {
  return keepdim ? kept : reshape(kept, drop_axes(kept.shape(), axes));
}

}  // namespace

Kernel<void(ReduceOp, const Tensor&, const std::vector<int64_t>&, const Tensor&)> reduce_kernel("reduce", &reduce_cpu);
Kernel<void(bool, const Tensor&, int64_t, const Tensor&)> arg_reduce_kernel("arg_reduce", &arg_reduce_cpu);

Tensor sum(const Tensor& x, Axes axes, bool keepdim) {
  axes = normalize_axes("sum", axes, x.dim());
  Tensor y = reduce_raw(ReduceOp::sum, "sum", x, axes);
  Shape xs = x.shape();
  record("sum", {x}, {y}, {}, [xs](const Grads& g, const Grads&) -> Grads { return {expand(g[0], xs)}; });
  return finish(y, axes, keepdim);
}

Tensor mean(const Tensor& x, Axes axes, bool keepdim) {
  axes = normalize_axes("mean", axes, x.dim());
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[a];
  CADENZA_CHECK(n > 0, "mean: reducing over an empty axis of shape {}", shape_str(x.shape()));
  return div(sum(x, axes, keepdim), static_cast<double>(n));
}

namespace {
Tensor extremum(ReduceOp op, const char* name, const Tensor& x, Axes axes, bool keepdim) {
  axes = normalize_axes(name, axes, x.dim());
  Tensor y = reduce_raw(op, name, x, axes);
  record(name, {x}, {y}, {x, y}, [axes](const Grads& g, const Grads& s) -> Grads {
    Tensor hit = eq(s[0], s[1]).detach();  // where x attains the extremum
    Tensor count = sum(hit, axes, true);
    return {mul(expand(g[0], s[0].shape()), div(hit, count))};
  });
  return finish(y, axes, keepdim);
}
}  // namespace

Tensor max(const Tensor& x, Axes axes, bool keepdim) { return extremum(ReduceOp::max, "max", x, axes, keepdim); }
Tensor min(const Tensor& x, Axes axes, bool keepdim) { return extremum(ReduceOp::min, "min", x, axes, keepdim); }

Tensor logsumexp(const Tensor& x, Axes axes, bool keepdim) {
  axes = normalize_axes("logsumexp", axes, x.dim());
  Tensor m;
  {
    NoGradGuard ng;
    m = reduce_raw(ReduceOp::max, "logsumexp", x, axes);
    // An all -inf slice would give nan; shift by 0 there instead.
    m = where(eq(abs(m), std::numeric_limits<double>::infinity()), scalar_like(m, 0), m);
  }
  Tensor y;
  {
    NoGradGuard ng;
    y = add(log(sum(exp(sub(x, m)), axes, true)), m);
  }
  record("logsumexp", {x}, {y}, {x, y},
         [](const Grads& g, const Grads& s) -> Grads { return {mul(g[0], exp(sub(s[0], s[1])))}; });
  return finish(y, axes, keepdim);
}

Tensor var(const Tensor& x, Axes axes, int64_t correction, bool keepdim) {
  axes = normalize_axes("var", axes, x.dim());
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[a];
  CADENZA_CHECK(n - correction > 0, "var: {} elements with correction {}", n, correction);
  Tensor centered = sub(x, mean(x, axes, true));
  return div(sum(square(centered), axes, keepdim), static_cast<double>(n - correction));
}

namespace {
Tensor arg_extremum(bool is_max, const Tensor& x, int64_t axis, bool keepdim) {
  const char* name = is_max ? "argmax" : "argmin";
  axis = normalize_axis(name, axis, x.dim());
  CADENZA_CHECK(x.shape()[axis] > 0, "{}: axis {} is empty", name, axis);
  Tensor out = make_tensor(kept_shape(x.shape(), {axis}), DType::i64, x.device());
  arg_reduce_kernel(x.device(), is_max, x, axis, out);
  return keepdim ? out : squeeze(out, axis);
}
}  // namespace

Tensor argmax(const Tensor& x, int64_t axis, bool keepdim) { return arg_extremum(true, x, axis, keepdim); }
Tensor argmin(const Tensor& x, int64_t axis, bool keepdim) { return arg_extremum(false, x, axis, keepdim); }

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  CADENZA_CHECK(g.dim() >= static_cast<int64_t>(shape.size()), "sum_to: cannot reduce {} to {}", shape_str(g.shape()),
                shape_str(shape));
  size_t lead = g.shape().size() - shape.size();
  Axes axes;
  for (size_t d = 0; d < g.shape().size(); ++d)
    if (d < lead || (shape[d - lead] == 1 && g.shape()[d] != 1)) axes.push_back(static_cast<int64_t>(d));
  Tensor r = axes.empty() ? g : sum(g, axes, true);
  return reshape(r, shape);
}

// ---- registry samples
namespace {
using testing::uniform_input;
void reg(const char* name, Shape s, std::function<Tensor(const Tensor&)> f) {
  OpRegistry::add({name, true, [=](DType dt) {
                     return std::vector<OpSample>{
                         {shape_str(s), {uniform_input(s, dt, -2, 2)}, [f](const std::vector<Tensor>& in) {
                            return std::vector<Tensor>{f(in[0])};
                          }}};
                   }});
}
const bool registered = [] {
  reg("sum", {3, 4, 5}, [](const Tensor& x) { return sum(x, {0, 2}); });
  reg("mean", {3, 4, 5}, [](const Tensor& x) { return mean(x, {-1}, true); });
  reg("max", {3, 4, 5}, [](const Tensor& x) { return max(x, {1}); });
  reg("min", {3, 4, 5}, [](const Tensor& x) { return min(transpose(x, 0, 2), {0, 1}); });
  reg("logsumexp", {3, 4, 5}, [](const Tensor& x) { return logsumexp(x, {1, 2}); });
  reg("var", {3, 4, 5}, [](const Tensor& x) { return var(x, {0}, 1, true); });
  reg("sum_to", {3, 4, 5}, [](const Tensor& x) { return sum_to(x, {4, 1}); });
  OpRegistry::add({"argmax", false, nullptr});
  OpRegistry::add({"argmin", false, nullptr});
  return true;
}();
}  // namespace

}  // namespace cadenza
