#include "affine.h"

#include "engine/error.h"
#include "ops/copy.h"

using namespace cadenza;

namespace {

void affine_cpu(const Tensor& x, const Tensor& out, double a, double b) {
  Tensor xc = contiguous_untracked(x);
  const float* in = xc.data<float>();
  float* y = out.data<float>();
  for (int64_t i = 0; i < out.numel(); ++i) y[i] = static_cast<float>(a * in[i] + b);
}

}  // namespace

Kernel<void(const Tensor&, const Tensor&, double, double)> affine_kernel("standalone_affine", &affine_cpu);

Tensor affine(const Tensor& x, double a, double b) {
  CADENZA_CHECK(x.dtype() == DType::f32, "affine: expected f32, got {}", dtype_name(x.dtype()));
  Tensor y = make_tensor(x.shape(), x.dtype(), x.device());
  affine_kernel(x.device(), x, y, a, b);
  return y;
}
