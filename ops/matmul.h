#pragma once
// Matrix products. Operands are [..., M, K] and [..., K, N] with broadcast batch axes;
// 1-D operands act as a row / column vector as in NumPy. A transposed view (unit stride on
// the second-to-last axis) reaches BLAS as a transpose flag, never as a copy.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

// out[b] = a[b] @ b[b] for 3-D a [B, M, K], b [B, K, N], out [B, M, N] (strided batch views).
extern Kernel<void(const Tensor& a, const Tensor& b, const Tensor& out)> bmm_kernel;

Tensor matmul(const Tensor& a, const Tensor& b);
// op(a) @ op(b) where op transposes the last two axes when its flag is set.
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b);

}  // namespace cadenza
