#pragma once
// Sliding windows over the spatial axes of [N, C, *spatial] tensors (1 to 3 spatial axes).
// unfold (im2col) copies every window into a column of [N, C*K, L] (K = prod(kernel) taps,
// L = number of window positions; row c*K + k holds tap k of channel c); fold (col2im)
// sums the columns back into place, adding where windows overlap. They are each other's
// adjoint, hence each other's backward, so any mix of them differentiates to any order.
// The convolutions in ops/conv.h are unfold/fold plus one matmul.
//
// Memory: unfold materialises N * C * K * L elements, i.e. about prod(kernel)/prod(stride)
// times the input. A 3x3 stride-1 conv2d holds 9x its input; MuseGAN's pitch-axis
// conv2d (N=16, C=64, 4x84 input, kernel 1x12, stride 1x12) holds exactly its input
// (16*768*28 = 344,064 floats, 1.3 MB). conv_transpose's columns are N * Cout * K * L_in,
// about prod(kernel)/prod(stride) times its output.
#include <string_view>

#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// A sliding window: one entry per spatial axis in each field.
struct Window {
  Shape kernel, stride, padding, dilation;
};

// The kernels' parameters, plain data so a GPU backend can push them as constants. The
// spatial axes are right-aligned into three; missing leading axes have in = grid = kernel =
// stride = dilation = 1 and padding 0.
struct WindowGeometry {
  int64_t in[3];    // spatial size of the image side (unfold's input, fold's output)
  int64_t grid[3];  // window positions per axis (L = their product)
  int64_t kernel[3], stride[3], padding[3], dilation[3];
};

// cols [N, C*K, L] (contiguous) = the windows of x [N, C, *in] (any strides); taps that
// fall in the padding read 0.
extern Kernel<void(const Tensor& x, const Tensor& cols, const WindowGeometry& g)> unfold_kernel;
// out [N, C, *in] (contiguous) = the sum of cols [N, C*K, L] (any strides) placed at their
// window positions; taps in the padding are dropped.
extern Kernel<void(const Tensor& cols, const Tensor& out, const WindowGeometry& g)> fold_kernel;

// A per-axis parameter: one value for every axis, or exactly `nd` values. `op` and `what`
// name the caller and the parameter in the error.
Shape per_axis(std::string_view op, std::string_view what, const Shape& v, int64_t nd);
// Expands and validates (kernel, stride, dilation >= 1, padding >= 0) a window for `nd` axes.
Window make_window(std::string_view op, int64_t nd, const Shape& kernel, const Shape& stride, const Shape& padding,
                   const Shape& dilation);
// Window positions per axis over `in` (PyTorch's conv output size):
// floor((in + 2p - d(k-1) - 1) / s) + 1. Errors when the dilated kernel exceeds the
// padded input.
Shape window_grid(std::string_view op, const Shape& in, const Window& w);

// x [N, C, *in] -> [N, C*prod(kernel), L]; stride/padding/dilation take one value or one
// per spatial axis.
Tensor unfold(const Tensor& x, const Shape& kernel, const Shape& stride = {1}, const Shape& padding = {0},
              const Shape& dilation = {1});
// cols [N, C*prod(kernel), L] -> [N, C, *output_size]; L must match output_size's grid.
Tensor fold(const Tensor& cols, const Shape& output_size, const Shape& kernel, const Shape& stride = {1},
            const Shape& padding = {0}, const Shape& dilation = {1});

// The same with an explicit grid of window positions, which may stop short of the last
// position that fits (conv_transpose needs this when output_padding >= stride).
Tensor unfold_on_grid(const Tensor& x, const Window& w, const Shape& grid);
Tensor fold_on_grid(const Tensor& cols, const Shape& output_size, const Window& w, const Shape& grid);

}  // namespace cadenza
