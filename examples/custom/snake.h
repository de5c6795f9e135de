#pragma once
// Example of a new op: the Snake activation (Ziyin, Hartwig & Ueda, NeurIPS 2020),
// snake(x) = x + sin^2(alpha x) / alpha, a periodic activation suited to signals with
// repetition — like music. It shows every part an op has: a kernel with a CPU
// implementation (snake.cpp) and a Vulkan one (snake.comp, snake_vulkan.cpp), a backward
// written with ops, and a registration with sample inputs that puts it under the standard
// gradient checks and the Vulkan-against-CPU comparison.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza::example {

// out = snake(x) elementwise; out is contiguous with x's shape.
extern Kernel<void(const Tensor& x, const Tensor& out, double alpha)> snake_kernel;

Tensor snake(const Tensor& x, double alpha = 1.0);

}  // namespace cadenza::example
