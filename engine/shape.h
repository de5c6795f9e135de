#pragma once
// Shapes and strides (in elements), and the rules that combine them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s);
Shape contiguous_strides(const Shape& s);
std::string shape_str(const Shape& s);  // "[2, 3]"

// NumPy broadcasting of two shapes; `op` names the caller in the error.
Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b);

// Maps a possibly negative axis into [0, ndim); errors name the op.
int64_t normalize_axis(std::string_view op, int64_t axis, int64_t ndim);

// Sorted, unique, normalized axes; an empty list means "all axes".
std::vector<int64_t> normalize_axes(std::string_view op, std::vector<int64_t> axes, int64_t ndim);

}  // namespace cadenza
