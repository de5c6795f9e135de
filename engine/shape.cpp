#include "engine/shape.h"

#include <algorithm>

#include "engine/error.h"

namespace cadenza {

int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

Shape contiguous_strides(const Shape& s) {
  Shape st(s.size());
  int64_t acc = 1;
  for (size_t i = s.size(); i-- > 0;) {
    st[i] = acc;
    acc *= std::max<int64_t>(s[i], 1);
  }
  return st;
}

std::string shape_str(const Shape& s) { return fmt::format("[{}]", fmt::join(s, ", ")); }

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    CADENZA_CHECK(da == db || da == 1 || db == 1, "{}: shapes {} and {} do not broadcast", op, shape_str(a),
                  shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t normalize_axis(std::string_view op, int64_t axis, int64_t ndim) {
  int64_t a = axis < 0 ? axis + ndim : axis;
  CADENZA_CHECK(a >= 0 && a < ndim, "{}: axis {} out of range for a tensor of rank {}", op, axis, ndim);
  return a;
}

std::vector<int64_t> normalize_axes(std::string_view op, std::vector<int64_t> axes, int64_t ndim) {
  if (axes.empty()) {
    axes.resize(ndim);
    for (int64_t i = 0; i < ndim; ++i) axes[i] = i;
    return axes;
  }
  for (auto& a : axes) a = normalize_axis(op, a, ndim);
  std::sort(axes.begin(), axes.end());
  CADENZA_CHECK(std::adjacent_find(axes.begin(), axes.end()) == axes.end(), "{}: repeated axis in [{}]", op,
                fmt::join(axes, ", "));
  return axes;
}

}  // namespace cadenza
