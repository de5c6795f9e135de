#include "nn/activation.h"

#include "ops/unary.h"

namespace cadenza::nn {

Tensor ReLU::forward(const Tensor& x) const { return relu(x); }
Tensor GELU::forward(const Tensor& x) const { return gelu(x); }
Tensor Tanh::forward(const Tensor& x) const { return tanh(x); }
Tensor Sigmoid::forward(const Tensor& x) const { return sigmoid(x); }
Tensor Softplus::forward(const Tensor& x) const { return softplus(x); }
Tensor LeakyReLU::forward(const Tensor& x) const { return leaky_relu(x, slope_); }

}  // namespace cadenza::nn
