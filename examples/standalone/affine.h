#pragma once
// A kernel of this project's own, out = a x + b, with a CPU function (affine.cpp) and,
// when cadenza has the Vulkan backend, a compute shader (affine.comp, affine_vulkan.cpp).
#include "engine/kernel.h"
#include "engine/tensor.h"

extern cadenza::Kernel<void(const cadenza::Tensor& x, const cadenza::Tensor& out, double a, double b)> affine_kernel;

// a x + b for an f32 tensor, on x's device.
cadenza::Tensor affine(const cadenza::Tensor& x, double a, double b);
