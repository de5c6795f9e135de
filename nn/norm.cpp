#include "nn/norm.h"

#include <algorithm>

#include "engine/autograd.h"
#include "ops/copy.h"
#include "ops/norm.h"

namespace cadenza::nn {

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine)
    : shape_(std::move(normalized_shape)), eps_(eps) {
  if (elementwise_affine) {
    weight = register_parameter("weight", Tensor::ones(shape_));
    bias = register_parameter("bias", Tensor::zeros(shape_));
  }
}

Tensor LayerNorm::forward(const Tensor& x) const { return layer_norm(x, shape_, weight, bias, eps_); }

BatchNorm::BatchNorm(int64_t c, BatchNormOptions opts, std::vector<int64_t> ranks, const char* name)
    : opts_(opts), ranks_(std::move(ranks)), name_(name) {
  if (opts.affine) {
    weight = register_parameter("weight", Tensor::ones({c}));
    bias = register_parameter("bias", Tensor::zeros({c}));
  }
  if (opts.track_running_stats) {
    running_mean = register_buffer("running_mean", Tensor::zeros({c}));
    running_var = register_buffer("running_var", Tensor::ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor::zeros({}, DType::i64));
  }
}

Tensor BatchNorm::forward(const Tensor& x) {
  CADENZA_CHECK(std::ranges::find(ranks_, x.dim()) != ranks_.end(), "{}: expected an input of rank {}, got {}", name_,
                fmt::join(ranks_, " or "), shape_str(x.shape()));
  bool use_batch_stats = is_training() || !running_mean.defined();
  if (is_training() && num_batches_tracked.defined()) {
    NoGradGuard no_grad;
    fill_(num_batches_tracked, num_batches_tracked.item<double>() + 1);
  }
  return batch_norm(x, running_mean, running_var, weight, bias, use_batch_stats, opts_.momentum, opts_.eps);
}

}  // namespace cadenza::nn
