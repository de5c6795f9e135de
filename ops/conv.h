#pragma once
// Convolutions over 1, 2 or 3 spatial axes (PyTorch's conv1d/2d/3d and
// conv_transpose1d/2d/3d: cross-correlation, NC* layout, same weight layouts and output
// sizes). Built from unfold/fold (ops/im2col.h) and one batched matmul, so backward and
// double backward come from those ops; see im2col.h for the memory the columns take.
//
// Per-axis options take one value for every axis or one per axis; designated
// initializers keep call sites readable: conv2d(x, w, b, {.stride = {1, 12}}).
#include "engine/tensor.h"

namespace cadenza {

struct ConvOptions {
  Shape stride = {1};
  Shape padding = {0};
  Shape dilation = {1};
  int64_t groups = 1;
};

struct ConvTransposeOptions {
  Shape stride = {1};
  Shape padding = {0};
  // Extra size on the far side of each output axis; must be below stride or dilation.
  Shape output_padding = {0};
  Shape dilation = {1};
  int64_t groups = 1;
};

// x [N, Cin, *in], w [Cout, Cin/groups, *kernel], bias [Cout] or undefined
// -> [N, Cout, *out], out = floor((in + 2p - d(k-1) - 1) / s) + 1.
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvOptions& o = {});
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvOptions& o = {});
Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvOptions& o = {});

// The adjoint of conv with the same weights: x [N, Cin, *in], w [Cin, Cout/groups, *kernel],
// bias [Cout] or undefined -> [N, Cout, *out],
// out = (in - 1) s - 2p + d(k-1) + output_padding + 1.
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvTransposeOptions& o = {});
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvTransposeOptions& o = {});
Tensor conv_transpose3d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const ConvTransposeOptions& o = {});

}  // namespace cadenza
