#pragma once
// Differentiable views: they share storage with their input (reshape copies only when the
// input's strides make a view impossible).
#include "engine/tensor.h"

namespace cadenza {

Tensor reshape(const Tensor& x, Shape shape);  // one -1 is inferred
Tensor flatten(const Tensor& x, int64_t start_axis = 0, int64_t end_axis = -1);
Tensor permute(const Tensor& x, std::vector<int64_t> order);
Tensor transpose(const Tensor& x, int64_t a, int64_t b);
Tensor narrow(const Tensor& x, int64_t axis, int64_t start, int64_t length);
Tensor select(const Tensor& x, int64_t axis, int64_t index);  // drops the axis
Tensor squeeze(const Tensor& x, int64_t axis);
Tensor unsqueeze(const Tensor& x, int64_t axis);
Tensor expand(const Tensor& x, Shape shape);  // broadcast view (stride 0)

}  // namespace cadenza
