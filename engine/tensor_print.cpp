// Tensor::str(): nested brackets like PyTorch, with "..." past 6 items per axis.
#include <cmath>

#include "engine/tensor.h"

namespace cadenza {
namespace {

constexpr int64_t kEdge = 3;  // items shown at each end of a long axis

void render(const std::vector<double>& v, const Shape& shape, const Shape& strides, int64_t axis, int64_t base,
            bool floating, int indent, std::string& out) {
  if (axis == static_cast<int64_t>(shape.size())) {
    double x = v[base];
    out += floating ? fmt::format("{:.4f}", x) : fmt::format("{}", static_cast<int64_t>(x));
    return;
  }
  out += '[';
  int64_t n = shape[axis];
  bool last = axis + 1 == static_cast<int64_t>(shape.size());
  for (int64_t i = 0; i < n; ++i) {
    if (n > 2 * kEdge && i == kEdge) {
      out += last ? "..., " : fmt::format("...,\n{:{}}", "", indent + 1);
      i = n - kEdge;
    }
    render(v, shape, strides, axis + 1, base + i * strides[axis], floating, indent + 1, out);
    if (i + 1 < n) out += last ? ", " : fmt::format(",\n{:{}}", "", indent + 1);
  }
  out += ']';
}

}  // namespace

std::string Tensor::str() const {
  if (!defined()) return "tensor(undefined)";
  std::vector<double> v = to_vector<double>();
  std::string out = "tensor(";
  render(v, shape(), contiguous_strides(shape()), 0, 0, is_floating(dtype()), 7, out);
  out += fmt::format(", shape={}, dtype={}", shape_str(shape()), dtype_name(dtype()));
  if (!device().is_cpu()) out += fmt::format(", device={}", device().str());
  if (requires_grad()) out += ", requires_grad";
  out += ')';
  return out;
}

}  // namespace cadenza
