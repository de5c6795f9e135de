#pragma once
// Conv1d/2d/3d and ConvTranspose1d/2d/3d as their torch.nn namesakes: weight
// [out, in/groups, *kernel] (transposed: [in, out/groups, *kernel]), bias [out], and
// PyTorch's default initialisation (kaiming_uniform(a = sqrt(5)), bias U(±1/sqrt(fan_in))
// with fan_in = size(1) · prod(kernel) for both kinds). Options as in ops/conv.h.
#include "engine/rng.h"
#include "nn/module.h"
#include "ops/conv.h"

namespace cadenza::nn {

template <int N, bool Transposed>
class ConvNd : public Module {
 public:
  using Options = std::conditional_t<Transposed, ConvTransposeOptions, ConvOptions>;
  // kernel_size: one value for every axis or N values.
  ConvNd(int64_t in_channels, int64_t out_channels, Shape kernel_size, Options opts = {}, bool bias = true,
         Generator& gen = default_generator());
  Tensor forward(const Tensor& x) const;

  Tensor weight, bias;

 private:
  Options opts_;
};

using Conv1d = ConvNd<1, false>;
using Conv2d = ConvNd<2, false>;
using Conv3d = ConvNd<3, false>;
using ConvTranspose1d = ConvNd<1, true>;
using ConvTranspose2d = ConvNd<2, true>;
using ConvTranspose3d = ConvNd<3, true>;

}  // namespace cadenza::nn
