#pragma once
// f16 weights for inference: the device-side counterpart of the CPU's bf16 store
// (engine/cpu/matvec.h). A weight matrix is rounded once to IEEE half precision and kept
// packed on its device; a GEMM reads the halves, widens them to f32 and accumulates in f32,
// so a step streams half the weight bytes. On Vulkan the shader reads the halves straight
// from the storage buffer, which needs storageBuffer16BitAccess (VK_KHR_16bit_storage,
// core but optional since Vulkan 1.1). The engine has no f16 dtype: the packed matrix is
// an i32 tensor only these functions read, and nothing here is differentiable.
#include <cstdint>

#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

uint16_t to_f16(float v);  // IEEE binary16, round to nearest even; overflow → ±inf
float from_f16(uint16_t h);

// A [rows, cols] matrix in f16, row-major, each row padded to an even length and stored
// two halves per word (the lower address first): `packed` is i32 [rows, (cols + 1) / 2].
struct HalfMatrix {
  Tensor packed;
  int64_t rows = 0, cols = 0;
  bool defined() const { return packed.defined(); }
  Device device() const { return packed.device(); }
};

// A snapshot of w (f32, 2-D, any device) in f16, on w's device. Throws one line when that
// device cannot read 16-bit storage buffers (checked here, not at the first product).
HalfMatrix to_half(const Tensor& w);
// x Wᵀ for x f32 [..., cols] on W's device -> f32 [..., rows], accumulated in f32. Inference
// only: fails when asked to record a gradient for x.
Tensor matmul_half(const Tensor& x, const HalfMatrix& w);
// Whether a layer holding the snapshot w reads it for x: an inference call (no gradient
// recorded) with f32 x on w's device. Otherwise the layer uses its f32 weights.
bool reads_half(const HalfMatrix& w, const Tensor& x);

// out [M, rows] = x [M, cols] (any strides) times the packed matrix transposed; out dense.
// The Vulkan slot throws unless the device has 16-bit storage (also for M = 0, which is
// how to_half asks). The CPU slot is a reference loop (f64 sums), not a fast path.
extern Kernel<void(const Tensor& x, const Tensor& packed, const Tensor& out)> matmul_half_kernel;

}  // namespace cadenza
