#include "ops/view.h"

#include <algorithm>
#include <numeric>

#include "engine/autograd.h"
#include "engine/op_registry.h"
#include "ops/copy.h"
#include "ops/reduce.h"
#include "ops/samples.h"

namespace cadenza {
namespace {
using Grads = std::vector<Tensor>;

Shape infer_shape(const Tensor& x, Shape shape) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      CADENZA_CHECK(infer < 0, "reshape: more than one -1 in {}", shape_str(shape));
      infer = static_cast<int64_t>(i);
    } else {
      CADENZA_CHECK(shape[i] >= 0, "reshape: negative size in {}", shape_str(shape));
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    CADENZA_CHECK(known != 0 && x.numel() % known == 0, "reshape: cannot view {} as {}", shape_str(x.shape()),
                  shape_str(shape));
    shape[infer] = x.numel() / known;
  }
  CADENZA_CHECK(numel(shape) == x.numel(), "reshape: cannot view {} ({} elements) as {}", shape_str(x.shape()),
                x.numel(), shape_str(shape));
  return shape;
}

}  // namespace

Tensor reshape(const Tensor& x, Shape shape) {
  shape = infer_shape(x, std::move(shape));
  Tensor src = dense_untracked(x);
  Tensor y = src.as_strided(shape, contiguous_strides(shape), src.offset());
  Shape old = x.shape();
  record("reshape", {x}, {y}, {}, [old](const Grads& g, const Grads&) -> Grads { return {reshape(g[0], old)}; });
  return y;
}

Tensor flatten(const Tensor& x, int64_t start, int64_t end) {
  if (x.dim() == 0) return reshape(x, {1});
  start = normalize_axis("flatten", start, x.dim());
  end = normalize_axis("flatten", end, x.dim());
  Shape s(x.shape().begin(), x.shape().begin() + start);
  int64_t n = 1;
  for (int64_t i = start; i <= end; ++i) n *= x.shape()[i];
  s.push_back(n);
  s.insert(s.end(), x.shape().begin() + end + 1, x.shape().end());
  return reshape(x, s);
}

Tensor permute(const Tensor& x, std::vector<int64_t> order) {
  CADENZA_CHECK(static_cast<int64_t>(order.size()) == x.dim(), "permute: order of {} axes for a tensor of rank {}",
                order.size(), x.dim());
  for (auto& a : order) a = normalize_axis("permute", a, x.dim());
  std::vector<int64_t> check = order;
  std::sort(check.begin(), check.end());
  for (int64_t i = 0; i < x.dim(); ++i)
    CADENZA_CHECK(check[i] == i, "permute: [{}] is not a permutation", fmt::join(order, ", "));
  Shape shape(x.dim()), strides(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) {
    shape[i] = x.shape()[order[i]];
    strides[i] = x.strides()[order[i]];
  }
  Tensor y = x.as_strided(shape, strides, x.offset());
  std::vector<int64_t> inverse(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) inverse[order[i]] = i;
  record("permute", {x}, {y}, {},
         [inverse](const Grads& g, const Grads&) -> Grads { return {permute(g[0], inverse)}; });
  return y;
}

Tensor transpose(const Tensor& x, int64_t a, int64_t b) {
  std::vector<int64_t> order(x.dim());
  std::iota(order.begin(), order.end(), 0);
  std::swap(order[normalize_axis("transpose", a, x.dim())], order[normalize_axis("transpose", b, x.dim())]);
  return permute(x, order);
}

Tensor narrow(const Tensor& x, int64_t axis, int64_t start, int64_t length) {
  axis = normalize_axis("narrow", axis, x.dim());
  int64_t n = x.shape()[axis];
  if (start < 0) start += n;
  CADENZA_CHECK(start >= 0 && length >= 0 && start + length <= n,
                "narrow: [{}, {}) is outside axis {} of size {} (shape {})", start, start + length, axis, n,
                shape_str(x.shape()));
  Shape shape = x.shape();
  shape[axis] = length;
  Tensor y = x.as_strided(shape, x.strides(), x.offset() + start * x.strides()[axis]);
  auto node = record("narrow", {x}, {y}, {}, [axis, start, n, length](const Grads& g, const Grads&) -> Grads {
    // The slab alone (Node::input_slab; the backward walk adds it in place through a
    // strided view, on any device).
    if (!GradMode::enabled()) return {g[0]};
    std::vector<std::pair<int64_t, int64_t>> pads(g[0].dim(), {0, 0});
    pads[axis] = {start, n - start - length};
    return {pad(g[0], pads)};
  });
  if (node) node->input_slab = {axis, start};
  return y;
}

Tensor select(const Tensor& x, int64_t axis, int64_t index) {
  axis = normalize_axis("select", axis, x.dim());
  return squeeze(narrow(x, axis, index, 1), axis);
}

Tensor squeeze(const Tensor& x, int64_t axis) {
  axis = normalize_axis("squeeze", axis, x.dim());
  CADENZA_CHECK(x.shape()[axis] == 1, "squeeze: axis {} has size {}, not 1 (shape {})", axis, x.shape()[axis],
                shape_str(x.shape()));
  Shape shape = x.shape(), strides = x.strides();
  shape.erase(shape.begin() + axis);
  strides.erase(strides.begin() + axis);
  Tensor y = x.as_strided(shape, strides, x.offset());
  record("squeeze", {x}, {y}, {}, [axis](const Grads& g, const Grads&) -> Grads { return {unsqueeze(g[0], axis)}; });
  return y;
}

Tensor unsqueeze(const Tensor& x, int64_t axis) {
  axis = normalize_axis("unsqueeze", axis, x.dim() + 1);
  Shape shape = x.shape(), strides = x.strides();
  int64_t st = axis < x.dim() ? strides[axis] * shape[axis] : 1;
  shape.insert(shape.begin() + axis, 1);
  strides.insert(strides.begin() + axis, st);
  Tensor y = x.as_strided(shape, strides, x.offset());
  record("unsqueeze", {x}, {y}, {}, [axis](const Grads& g, const Grads&) -> Grads { return {squeeze(g[0], axis)}; });
  return y;
}

Tensor expand(const Tensor& x, Shape shape) {
  CADENZA_CHECK(shape.size() >= x.shape().size(), "expand: cannot expand {} to fewer axes {}", shape_str(x.shape()),
                shape_str(shape));
  size_t off = shape.size() - x.shape().size();
  Shape strides(shape.size(), 0);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i < off) continue;
    int64_t d = x.shape()[i - off];
    if (shape[i] == -1) shape[i] = d;
    CADENZA_CHECK(d == shape[i] || d == 1, "expand: cannot expand {} to {}", shape_str(x.shape()), shape_str(shape));
    strides[i] = d == 1 && shape[i] != 1 ? 0 : x.strides()[i - off];
  }
  Tensor y = x.as_strided(shape, strides, x.offset());
  Shape old = x.shape();
  record("expand", {x}, {y}, {}, [old](const Grads& g, const Grads&) -> Grads { return {sum_to(g[0], old)}; });
  return y;
}

// ---- registry samples: each view is checked on a non-trivial layout.
namespace {
using testing::uniform_input;
void reg(const char* name, Shape shape, std::function<Tensor(const Tensor&)> f) {
  OpRegistry::add({name, true, [=](DType dt) {
                     return std::vector<OpSample>{
                         {shape_str(shape), {uniform_input(shape, dt)}, [f](const std::vector<Tensor>& in) {
                            return std::vector<Tensor>{f(in[0])};
                          }}};
                   }});
}
const bool registered = [] {
  reg("reshape", {2, 3, 4}, [](const Tensor& x) { return reshape(transpose(x, 0, 2), {4, -1}); });
  reg("flatten", {2, 3, 4}, [](const Tensor& x) { return flatten(x, 1); });
  reg("permute", {2, 3, 4}, [](const Tensor& x) { return permute(x, {2, 0, 1}); });
  reg("transpose", {3, 4}, [](const Tensor& x) { return transpose(x, 0, 1); });
  reg("narrow", {5, 4}, [](const Tensor& x) { return narrow(x, 0, 1, 3); });
  reg("select", {5, 4}, [](const Tensor& x) { return select(x, 1, 2); });
  reg("squeeze", {3, 1, 2}, [](const Tensor& x) { return squeeze(x, 1); });
  reg("unsqueeze", {3, 2}, [](const Tensor& x) { return unsqueeze(x, 1); });
  reg("expand", {3, 1}, [](const Tensor& x) { return expand(x, {2, 3, 4}); });
  return true;
}();
}  // namespace

}  // namespace cadenza
