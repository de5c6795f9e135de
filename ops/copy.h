#pragma once
// Ops that move or copy data: contiguous, clone, dtype and device conversion, concat,
// stack, pad, and the in-place writes (copy_, fill_) that optimizers and samplers use.
#include <utility>
#include <vector>

#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// dst[i] = convert(src[i]) over dst's shape; src broadcasts; any strides, any dtypes.
extern Kernel<void(const Tensor& src, const Tensor& dst)> copy_kernel;

Tensor contiguous(const Tensor& x);  // x itself when already contiguous
Tensor clone(const Tensor& x);
Tensor to(const Tensor& x, Device device);
Tensor to_dtype(const Tensor& x, DType dtype);  // differentiable between floating dtypes
Tensor concat(const std::vector<Tensor>& xs, int64_t axis);
Tensor stack(const std::vector<Tensor>& xs, int64_t axis);
// pads[i] = (before, after) for axis i; fewer pairs than axes pad the leading axes.
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads, double value = 0);

// In-place writes. They bump the version counter and refuse tensors that require grad
// while grad mode is on (wrap optimizer updates in NoGradGuard).
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, double value);

// A contiguous copy that records nothing (for kernels that need dense input).
Tensor contiguous_untracked(const Tensor& x);
// x's values, contiguous, recording nothing: x detached when it is already contiguous (no
// copy), else contiguous_untracked(x). What a kernel reading dense memory is handed.
Tensor dense_untracked(const Tensor& x);

}  // namespace cadenza
