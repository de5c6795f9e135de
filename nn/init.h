#pragma once
// Parameter initialisation, equal in distribution to torch.nn.init and to the defaults of
// PyTorch's layers. Draws come from a Philox Generator, so a model built after
// manual_seed(s) is the same on every run, backend and thread count.
#include "engine/rng.h"
#include "engine/tensor.h"

namespace cadenza::nn::init {

// In place on t's device, without recording (ops/random.h's random_): t ~ U[lo, hi).
void uniform_(const Tensor& t, double lo, double hi, Generator& gen = default_generator());
// t ~ N(mean, std^2).
void normal_(const Tensor& t, double mean, double std, Generator& gen = default_generator());

// Fan-in as PyTorch computes it: size(1) times the product of the trailing (kernel) axes.
// For ConvTranspose weights [in, out/groups, k...] this is out/groups * prod(k), as in torch.
int64_t fan_in(const Tensor& weight);

// kaiming_uniform_(a): U(±gain·sqrt(3/fan_in)) with gain = sqrt(2 / (1 + a²)). PyTorch's
// Linear/Conv use a = sqrt(5), which gives U(±1/sqrt(fan_in)).
void kaiming_uniform_(const Tensor& weight, double a, Generator& gen = default_generator());

// The default of torch.nn.Linear / ConvNd: kaiming_uniform_(a = sqrt(5)) for the weight,
// U(±1/sqrt(fan_in)) for the bias (if defined).
void linear_default_(const Tensor& weight, const Tensor& bias, Generator& gen = default_generator());

}  // namespace cadenza::nn::init
