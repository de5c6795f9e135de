#pragma once
// Reduced-precision inference weights. A layer keeps a snapshot of its weight matrices at
// the chosen precision beside the f32 parameters and reads it only where no gradient is
// recorded; training and gradients always use the f32 parameters.
//   bf16  CPU: LSTM weights as bfloat16 (engine/cpu/matvec.h), the batch-1 step streams
//         half the bytes.
//   f16   any device that can read 16-bit storage (Vulkan with storageBuffer16BitAccess;
//         the CPU slot is a slow reference): LSTM, Linear and attention (q/k/v projection)
//         weight matrices as IEEE halves on the layer's device, read by the f16-weight GEMM
//         (ops/half_matmul.h).
// A snapshot is taken on the layer's current device: move the model first, and quantize
// again after the weights change (loading a checkpoint, a training step).
#include "nn/module.h"

namespace cadenza::nn {

enum class WeightPrecision { f32, bf16, f16 };
const char* precision_name(WeightPrecision p);

// Snapshots every layer of `m` (and its descendants) that has a path for `p`: LSTMs for
// bf16 and f16, Linears and MultiheadAttentions for f16; f32 drops the snapshots. Returns
// how many layers it set.
int quantize_for_inference(Module& m, WeightPrecision p);

}  // namespace cadenza::nn
