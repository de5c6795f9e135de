#pragma once
// LayerNorm and BatchNorm1d/2d/3d, as their torch.nn namesakes (same parameter and buffer
// names, same defaults: weight 1, bias 0, eps 1e-5, momentum 0.1).
#include "nn/module.h"

namespace cadenza::nn {

class LayerNorm : public Module {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true);
  Tensor forward(const Tensor& x) const;

  Tensor weight, bias;  // normalized_shape, undefined without affine

 private:
  Shape shape_;
  double eps_;
};

struct BatchNormOptions {
  double eps = 1e-5;
  double momentum = 0.1;
  bool affine = true;
  bool track_running_stats = true;
};

// Normalises [N, C, ...] per channel: batch statistics in training (updating the running
// ones), running statistics in evaluation. The subclasses fix the accepted ranks.
class BatchNorm : public Module {
 public:
  Tensor forward(const Tensor& x);

  Tensor weight, bias;               // [C]
  Tensor running_mean, running_var;  // [C]
  Tensor num_batches_tracked;        // i64 scalar, as in PyTorch's state dict

 protected:
  BatchNorm(int64_t num_features, BatchNormOptions opts, std::vector<int64_t> ranks, const char* name);

 private:
  BatchNormOptions opts_;
  std::vector<int64_t> ranks_;
  const char* name_;
};

class BatchNorm1d : public BatchNorm {  // [N, C] or [N, C, L]
 public:
  explicit BatchNorm1d(int64_t num_features, BatchNormOptions opts = {})
      : BatchNorm(num_features, opts, {2, 3}, "BatchNorm1d") {}
};
class BatchNorm2d : public BatchNorm {  // [N, C, H, W]
 public:
  explicit BatchNorm2d(int64_t num_features, BatchNormOptions opts = {})
      : BatchNorm(num_features, opts, {4}, "BatchNorm2d") {}
};
class BatchNorm3d : public BatchNorm {  // [N, C, D, H, W]
 public:
  explicit BatchNorm3d(int64_t num_features, BatchNormOptions opts = {})
      : BatchNorm(num_features, opts, {5}, "BatchNorm3d") {}
};

}  // namespace cadenza::nn
