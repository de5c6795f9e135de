#include "ops/index.h"

#include <algorithm>

#include "engine/autograd.h"
#include "engine/cpu/parallel.h"
#include "engine/op_registry.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/samples.h"
#include "ops/view.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

// Elements of work per parallel chunk.
constexpr int64_t kGrain = 1 << 14;

// A contiguous shape seen as [outer, size, inner] around `axis`.
struct AxisSplit {
  int64_t outer = 1, size = 1, inner = 1;
};

AxisSplit split_at(const Shape& s, int64_t axis) {
  AxisSplit r;
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d)
    (d < axis ? r.outer : d == axis ? r.size : r.inner) *= s[d];
  return r;
}

// Element offset of the i-th position (row-major) of `shape` under `strides`.
int64_t offset_of(int64_t i, const Shape& shape, const Shape& strides) {
  int64_t off = 0;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    off += (i % shape[d]) * strides[d];
    i /= shape[d];
  }
  return off;
}

// Calls fn.template operator()<T, I>() for the data dtype T and index dtype I.
template <class Fn>
void dispatch_data_index(const Tensor& data, const Tensor& idx, const char* op, Fn&& fn) {
  dispatch_all(data.dtype(),
               [&]<class T>() { dispatch_index(idx.dtype(), op, [&]<class I>() { fn.template operator()<T, I>(); }); });
}

void index_select_cpu(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out) {
  const AxisSplit s = split_at(x.shape(), axis);
  const int64_t n = idx.numel();
  dispatch_data_index(x, idx, "index_select", [&]<class T, class I>() {
    const T* xp = x.data<T>();
    const I* ip = idx.data<I>();
    T* op = out.data<T>();
    // One output row (o, j) is a contiguous copy of `inner` elements.
    cpu::parallel_for(s.outer * n, std::max<int64_t>(1, kGrain / std::max<int64_t>(s.inner, 1)),
                      [&](int64_t b, int64_t e) {
                        for (int64_t r = b; r < e; ++r)
                          std::copy_n(xp + ((r / n) * s.size + ip[r % n]) * s.inner, s.inner, op + r * s.inner);
                      });
  });
}

void index_add_cpu(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src) {
  const AxisSplit s = split_at(out.shape(), axis);
  const int64_t n = idx.numel();
  // Each task owns a block of columns of one outer slice and walks all of idx in order:
  // tasks never write the same element (repeated indices cannot race) and every element
  // sums its terms in index order, so the result is the same at any thread count.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (s.inner + kBlock - 1) / kBlock;
  dispatch_data_index(out, idx, "index_add", [&]<class T, class I>() {
    T* op = out.data<T>();
    const I* ip = idx.data<I>();
    const T* sp = src.data<T>();
    cpu::parallel_for(s.outer * blocks,
                      std::max<int64_t>(1, kGrain / std::max<int64_t>(n * std::min(s.inner, kBlock), 1)),
                      [&](int64_t b, int64_t e) {
                        for (int64_t t = b; t < e; ++t) {
                          const int64_t o = t / blocks, c0 = (t % blocks) * kBlock;
                          const int64_t c1 = std::min(s.inner, c0 + kBlock);
                          for (int64_t j = 0; j < n; ++j) {
                            T* dst = op + (o * s.size + ip[j]) * s.inner;
                            const T* from = sp + (o * n + j) * s.inner;
                            for (int64_t c = c0; c < c1; ++c) dst[c] += from[c];
                          }
                        }
                      });
  });
}

// gather and scatter_add walk idx in lines along `axis`: a line fixes every other
// coordinate, so it reads (gather) or writes (scatter_add) one line of the data tensor and
// no two lines touch the same element. Lines run in parallel; within one, positions run
// in order. fn(data_line_offset, idx_line_offset, other_line_offset, len).
template <class Fn>
void for_each_line(const Tensor& data, int64_t axis, const Tensor& idx, const Tensor& other, Fn&& fn) {
  Shape lines = idx.shape();
  const int64_t len = lines[axis];
  lines[axis] = 1;
  cpu::parallel_for(numel(lines), std::max<int64_t>(1, kGrain / std::max<int64_t>(len, 1)), [&](int64_t b, int64_t e) {
    for (int64_t l = b; l < e; ++l)
      fn(offset_of(l, lines, data.strides()), offset_of(l, lines, idx.strides()), offset_of(l, lines, other.strides()),
         len);
  });
}

void gather_cpu(const Tensor& x, int64_t axis, const Tensor& idx, const Tensor& out) {
  dispatch_data_index(x, idx, "gather", [&]<class T, class I>() {
    const T* xp = x.data<T>();
    const I* ip = idx.data<I>();
    T* op = out.data<T>();
    const int64_t xs = x.strides()[axis], is = idx.strides()[axis], os = out.strides()[axis];
    for_each_line(x, axis, idx, out, [&](int64_t xo, int64_t io, int64_t oo, int64_t len) {
      for (int64_t j = 0; j < len; ++j) op[oo + j * os] = xp[xo + ip[io + j * is] * xs];
    });
  });
}

void scatter_add_cpu(const Tensor& out, int64_t axis, const Tensor& idx, const Tensor& src) {
  dispatch_data_index(out, idx, "scatter_add", [&]<class T, class I>() {
    T* op = out.data<T>();
    const I* ip = idx.data<I>();
    const T* sp = src.data<T>();
    const int64_t os = out.strides()[axis], is = idx.strides()[axis], ss = src.strides()[axis];
    for_each_line(out, axis, idx, src, [&](int64_t oo, int64_t io, int64_t so, int64_t len) {
      for (int64_t j = 0; j < len; ++j) op[oo + ip[io + j * is] * os] += sp[so + j * ss];
    });
  });
}

// Every index must lie in [0, size); read on the host before any kernel runs.
void check_indices(const char* op, const Tensor& idx, int64_t size, int64_t axis) {
  dispatch_index(idx.dtype(), op, [&]<class I>() {
    for (I v : idx.to_vector<I>())
      CADENZA_CHECK(v >= 0 && v < size, "{}: index {} is out of range for axis {} of size {}", op, v, axis, size);
  });
}

void check_same_device(const char* op, const Tensor& x, const Tensor& idx) {
  CADENZA_CHECK(x.device() == idx.device(), "{}: data on {}, indices on {}", op, x.device().str(), idx.device().str());
}

void check_values(const char* op, const Tensor& base, const Tensor& src) {
  CADENZA_CHECK(base.dtype() == src.dtype() && base.device() == src.device(),
                "{}: base ({}, {}) and src ({}, {}) differ", op, dtype_name(base.dtype()), base.device().str(),
                dtype_name(src.dtype()), src.device().str());
}

// gather/scatter_add: idx has data's rank and fits inside it on every axis but `axis`
// (`all_axes`: on every axis, as for scatter_add's src).
void check_fits(const char* op, const char* what, const Tensor& data, const Tensor& idx, int64_t axis, bool all_axes) {
  CADENZA_CHECK(idx.dim() == data.dim(), "{}: index {} and {} {} differ in rank", op, shape_str(idx.shape()), what,
                shape_str(data.shape()));
  for (int64_t d = 0; d < data.dim(); ++d)
    CADENZA_CHECK((d == axis && !all_axes) || idx.shape()[d] <= data.shape()[d],
                  "{}: index {} is larger than {} {} on axis {}", op, shape_str(idx.shape()), what,
                  shape_str(data.shape()), d);
}

Tensor select_slices(const char* op, const Tensor& x, int64_t axis, const Tensor& idx) {
  CADENZA_CHECK(idx.dim() == 1, "{}: index must be 1-D, got {}", op, shape_str(idx.shape()));
  check_same_device(op, x, idx);
  axis = normalize_axis(op, axis, x.dim());
  check_indices(op, idx, x.shape()[axis], axis);
  Shape s = x.shape();
  s[axis] = idx.numel();
  Tensor out = make_tensor(s, x.dtype(), x.device());
  index_select_kernel(x.device(), dense_untracked(x), axis, dense_untracked(idx), out);
  record(op, {x}, {out}, {}, [axis, i = idx.detach(), xs = x.shape()](const Grads& g, const Grads&) -> Grads {
    return {index_add(Tensor::zeros(xs, g[0].dtype(), g[0].device()), axis, i, g[0])};
  });
  return out;
}

}  // namespace

Kernel<void(const Tensor&, int64_t, const Tensor&, const Tensor&)> index_select_kernel("index_select",
                                                                                       &index_select_cpu);
Kernel<void(const Tensor&, int64_t, const Tensor&, const Tensor&)> index_add_kernel("index_add", &index_add_cpu);
Kernel<void(const Tensor&, int64_t, const Tensor&, const Tensor&)> gather_kernel("gather", &gather_cpu);
Kernel<void(const Tensor&, int64_t, const Tensor&, const Tensor&)> scatter_add_kernel("scatter_add", &scatter_add_cpu);

Tensor index_select(const Tensor& x, int64_t axis, const Tensor& idx) {
  return select_slices("index_select", x, axis, idx);
}

Tensor index_add(const Tensor& base, int64_t axis, const Tensor& idx, const Tensor& src) {
  CADENZA_CHECK(idx.dim() == 1, "index_add: index must be 1-D, got {}", shape_str(idx.shape()));
  check_values("index_add", base, src);
  check_same_device("index_add", base, idx);
  axis = normalize_axis("index_add", axis, base.dim());
  Shape want = base.shape();
  want[axis] = idx.numel();
  CADENZA_CHECK(src.shape() == want, "index_add: src {} should be {} (base {} with axis {} of size {})",
                shape_str(src.shape()), shape_str(want), shape_str(base.shape()), axis, idx.numel());
  check_indices("index_add", idx, base.shape()[axis], axis);
  Tensor out = contiguous_untracked(base);
  index_add_kernel(out.device(), out, axis, dense_untracked(idx), dense_untracked(src));
  record("index_add", {base, src}, {out}, {}, [axis, i = idx.detach()](const Grads& g, const Grads&) -> Grads {
    return {g[0], index_select(g[0], axis, i)};
  });
  return out;
}

Tensor gather(const Tensor& x, int64_t axis, const Tensor& idx) {
  check_same_device("gather", x, idx);
  axis = normalize_axis("gather", axis, x.dim());
  check_fits("gather", "input", x, idx, axis, false);
  check_indices("gather", idx, x.shape()[axis], axis);
  Tensor out = make_tensor(idx.shape(), x.dtype(), x.device());
  gather_kernel(x.device(), x, axis, idx, out);
  record("gather", {x}, {out}, {}, [axis, i = idx.detach(), xs = x.shape()](const Grads& g, const Grads&) -> Grads {
    return {scatter_add(Tensor::zeros(xs, g[0].dtype(), g[0].device()), axis, i, g[0])};
  });
  return out;
}

Tensor scatter_add(const Tensor& base, int64_t axis, const Tensor& idx, const Tensor& src) {
  check_values("scatter_add", base, src);
  check_same_device("scatter_add", base, idx);
  axis = normalize_axis("scatter_add", axis, base.dim());
  check_fits("scatter_add", "base", base, idx, axis, false);
  check_fits("scatter_add", "src", src, idx, axis, true);
  check_indices("scatter_add", idx, base.shape()[axis], axis);
  Tensor out = contiguous_untracked(base);
  scatter_add_kernel(out.device(), out, axis, idx, src);
  record("scatter_add", {base, src}, {out}, {},
         [axis, i = idx.detach(), ss = src.shape()](const Grads& g, const Grads&) -> Grads {
           // src positions beyond idx's extent were ignored: their gradient is zero.
           Tensor gs = gather(g[0], axis, i);
           std::vector<std::pair<int64_t, int64_t>> pads;
           for (size_t d = 0; d < ss.size(); ++d) pads.emplace_back(0, ss[d] - i.shape()[d]);
           return {g[0], gs.shape() == ss ? gs : pad(gs, pads)};
         });
  return out;
}

Tensor embedding(const Tensor& weight, const Tensor& idx) {
  CADENZA_CHECK(weight.dim() == 2, "embedding: weight must be [num, dim], got {}", shape_str(weight.shape()));
  Shape s = idx.shape();
  s.push_back(weight.shape()[1]);
  return reshape(select_slices("embedding", weight, 0, reshape(idx, {-1})), s);
}

Tensor one_hot(const Tensor& idx, int64_t n, DType dtype) {
  CADENZA_CHECK(n > 0, "one_hot: number of classes must be positive, got {}", n);
  check_indices("one_hot", idx, n, idx.dim());
  Tensor classes = Tensor::arange(n, DType::i64, idx.device());
  return to_dtype(eq(unsqueeze(to_dtype(idx, DType::i64), -1), classes), dtype);
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  CADENZA_CHECK(broadcast_shapes("masked_fill", x.shape(), mask.shape()) == x.shape(),
                "masked_fill: mask {} does not broadcast to x {}", shape_str(mask.shape()), shape_str(x.shape()));
  return where(mask, scalar_like(x, value), x);
}

namespace {
// 1 where (column - row) compares true against `diagonal`.
Tensor band_mask(const char* op, bool upper, int64_t n, int64_t m, int64_t diagonal, DType dtype, Device device) {
  CADENZA_CHECK(n >= 0 && m >= 0, "{}: negative size [{}, {}]", op, n, m);
  Tensor row = reshape(Tensor::arange(n, DType::i64, device), {n, 1});
  Tensor col = reshape(Tensor::arange(m, DType::i64, device), {1, m});
  Tensor d = sub(col, row);
  const double k = static_cast<double>(diagonal);
  return to_dtype(upper ? ge(d, k) : le(d, k), dtype);
}
}  // namespace

Tensor triu_mask(int64_t n, int64_t m, int64_t diagonal, DType dtype, Device device) {
  return band_mask("triu_mask", true, n, m, diagonal, dtype, device);
}

Tensor tril_mask(int64_t n, int64_t m, int64_t diagonal, DType dtype, Device device) {
  return band_mask("tril_mask", false, n, m, diagonal, dtype, device);
}

// ---- registry samples: index inputs repeat values, so accumulation paths are exercised.
namespace {
using testing::index_input;
using testing::uniform_input;
using Inputs = std::vector<Tensor>;

OpSample sample(std::string label, Inputs in, std::function<Tensor(const Inputs&)> f) {
  return {std::move(label), std::move(in), [f](const Inputs& x) { return Inputs{f(x)}; }};
}

const bool registered = [] {
  OpRegistry::add({"index_select", true, [](DType dt) {
                     return std::vector<OpSample>{
                         sample("[4, 5] axis 1", {uniform_input({4, 5}, dt), index_input({6}, 5)},
                                [](const Inputs& in) { return index_select(in[0], 1, in[1]); }),
                         sample("[3, 4, 2] axis 0", {uniform_input({3, 4, 2}, dt), index_input({5}, 3)},
                                [](const Inputs& in) { return index_select(in[0], 0, in[1]); })};
                   }});
  OpRegistry::add({"index_add", true, [](DType dt) {
                     return std::vector<OpSample>{sample(
                         "[4, 3] axis 0", {uniform_input({4, 3}, dt), index_input({5}, 4), uniform_input({5, 3}, dt)},
                         [](const Inputs& in) { return index_add(in[0], 0, in[1], in[2]); })};
                   }});
  OpRegistry::add({"gather", true, [](DType dt) {
                     return std::vector<OpSample>{
                         sample("[3, 4] axis 1", {uniform_input({3, 4}, dt), index_input({2, 6}, 4)},
                                [](const Inputs& in) { return gather(in[0], 1, in[1]); }),
                         sample("[3, 4] axis 0", {uniform_input({3, 4}, dt), index_input({5, 3}, 3)},
                                [](const Inputs& in) { return gather(in[0], 0, in[1]); })};
                   }});
  OpRegistry::add({"scatter_add", true, [](DType dt) {
                     return std::vector<OpSample>{
                         sample("[3, 4] axis 1, src larger than index",
                                {uniform_input({3, 4}, dt), index_input({2, 5}, 4), uniform_input({3, 6}, dt)},
                                [](const Inputs& in) { return scatter_add(in[0], 1, in[1], in[2]); })};
                   }});
  OpRegistry::add({"embedding", true, [](DType dt) {
                     return std::vector<OpSample>{sample("[5, 3] by [2, 3]",
                                                         {uniform_input({5, 3}, dt), index_input({2, 3}, 5)},
                                                         [](const Inputs& in) { return embedding(in[0], in[1]); })};
                   }});
  OpRegistry::add({"masked_fill", true, [](DType dt) {
                     // The mask is an i64 0/1 tensor, so the check differentiates only x.
                     return std::vector<OpSample>{
                         sample("[3, 4] by [3, 1]", {uniform_input({3, 4}, dt), index_input({3, 1}, 2)},
                                [](const Inputs& in) { return masked_fill(in[0], in[1], -5.0); })};
                   }});
  OpRegistry::add({"one_hot", false, nullptr});
  OpRegistry::add({"triu_mask", false, nullptr});
  OpRegistry::add({"tril_mask", false, nullptr});
  return true;
}();
}  // namespace

}  // namespace cadenza
