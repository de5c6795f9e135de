#include "nn/conv.h"

#include "engine/error.h"
#include "nn/init.h"

namespace cadenza::nn {

template <int N, bool Transposed>
ConvNd<N, Transposed>::ConvNd(int64_t in_channels, int64_t out_channels, Shape kernel_size, Options opts,
                              bool with_bias, Generator& gen)
    : opts_(opts) {
  const char* name = Transposed ? "ConvTranspose" : "Conv";
  if (kernel_size.size() == 1) kernel_size.assign(N, kernel_size[0]);
  CADENZA_CHECK(kernel_size.size() == size_t(N), "{}{}d: kernel_size {} should have 1 or {} values", name, N,
                shape_str(kernel_size), N);
  CADENZA_CHECK(opts.groups > 0 && in_channels % opts.groups == 0 && out_channels % opts.groups == 0,
                "{}{}d: channels {} -> {} are not divisible by groups {}", name, N, in_channels, out_channels,
                opts.groups);
  Shape wshape =
      Transposed ? Shape{in_channels, out_channels / opts.groups} : Shape{out_channels, in_channels / opts.groups};
  wshape.insert(wshape.end(), kernel_size.begin(), kernel_size.end());
  weight = register_parameter("weight", Tensor::empty(wshape));
  if (with_bias) bias = register_parameter("bias", Tensor::empty({out_channels}));
  init::linear_default_(weight, bias, gen);
}

template <int N, bool Transposed>
Tensor ConvNd<N, Transposed>::forward(const Tensor& x) const {
  if constexpr (Transposed) {
    if constexpr (N == 1) return conv_transpose1d(x, weight, bias, opts_);
    if constexpr (N == 2) return conv_transpose2d(x, weight, bias, opts_);
    if constexpr (N == 3) return conv_transpose3d(x, weight, bias, opts_);
  } else {
    if constexpr (N == 1) return conv1d(x, weight, bias, opts_);
    if constexpr (N == 2) return conv2d(x, weight, bias, opts_);
    if constexpr (N == 3) return conv3d(x, weight, bias, opts_);
  }
}

template class ConvNd<1, false>;
template class ConvNd<2, false>;
template class ConvNd<3, false>;
template class ConvNd<1, true>;
template class ConvNd<2, true>;
template class ConvNd<3, true>;

}  // namespace cadenza::nn
