#pragma once
// Random tensors and dropout from the counter-based generator (engine/rng.h). Element i of
// a draw is computed from philox(offset + i, seed) alone, so a result depends on neither
// the thread count nor the backend: a kernel is a pure function of (out, seed, offset,
// params), which the Vulkan backend can reproduce (exactly for uniform, integer and
// Bernoulli draws; the normal's log/cos agree to rounding).
#include <cstdint>

#include "engine/kernel.h"
#include "engine/rng.h"
#include "engine/tensor.h"
#include "ops/op_enums.h"

namespace cadenza {

// uniform in [a, b); normal with mean a, standard deviation b (Box-Muller); bernoulli: b
// with probability a, else 0; randint: integers in [a, b). The list: ops/op_enums.h.
CADENZA_OP_ENUM(RandomDist, CADENZA_RANDOM_DISTS)
struct RandomParams {
  double a = 0, b = 1;
};

// Fills contiguous `out` (any dtype) with element i drawn from block offset + i under key seed.
extern Kernel<void(RandomDist, const Tensor& out, uint64_t seed, uint64_t offset, RandomParams)> random_kernel;
// out[i] = 1 with probability p[i] (p and out contiguous, same floating dtype).
extern Kernel<void(const Tensor& p, const Tensor& out, uint64_t seed, uint64_t offset)> bernoulli_kernel;

// Uniform in [0, 1) with 53 random bits from two Philox words (exact in f64).
inline double uniform53(uint32_t hi, uint32_t lo) {
  return static_cast<double>(((static_cast<uint64_t>(hi) << 32) | lo) >> 11) * 0x1.0p-53;
}

// The key and first counter of a fresh draw of `blocks` Philox blocks from `gen`, or from
// default_generator() when it is null.
struct RandomDraw {
  uint64_t seed, offset;
};
RandomDraw reserve_draw(Generator* gen, int64_t blocks);

// Every function below draws from `gen`, or from default_generator() when it is null.
Tensor rand(const Shape& shape, DType dtype = DType::f32, Generator* gen = nullptr);   // U[0, 1)
Tensor randn(const Shape& shape, DType dtype = DType::f32, Generator* gen = nullptr);  // N(0, 1)
// Integers in [lo, hi) as i64 (|lo|, |hi| <= 2^53).
Tensor randint(int64_t lo, int64_t hi, const Shape& shape, Generator* gen = nullptr);
// In place, without recording: t (floating, any device, any strides) gets a fresh draw of
// `dist` — the one way parameter initialisation (nn/init.h) fills its tensors.
void random_(const Tensor& t, RandomDist dist, RandomParams p, Generator* gen = nullptr);
// 0/1 in p's dtype, 1 with probability p[i] (each p in [0, 1]).
Tensor bernoulli(const Tensor& p, Generator* gen = nullptr);
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::f32, Generator* gen = nullptr);

// Inverted dropout: in training, each element is zeroed with probability p and the rest
// are scaled by 1 / (1 - p), so the expectation is unchanged and evaluation is the
// identity. Differentiable in x (the gradient is g * mask / (1 - p), with the same mask).
Tensor dropout(const Tensor& x, double p, bool training, Generator* gen = nullptr);

}  // namespace cadenza
