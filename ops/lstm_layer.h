#pragma once
// One LSTM layer over a whole sequence as a single op (what cuDNN and torch's fused RNNs
// do), with PyTorch's gate order and cell (ops/lstm.h). On the CPU, in f32 and f64:
//   forward   G = X W_ihᵀ + b_ih + b_hh for all steps in one GEMM, then per step one GEMM
//             G_t += h_{t-1} W_hhᵀ written in place and the fused pointwise cell writing h_t
//             straight into the output; no per-step tensors or autograd nodes.
//   backward  per step only the pointwise backward and dh = dG_t W_hh; the weight
//             gradients, the bias gradient and dX are then one GEMM (or one sum) over all
//             steps, so they run at full GEMM size instead of T small ones.
// That is lstm_layer_kernel's CPU slot. Where no slot takes the call (Vulkan), and for a
// backward whose graph is wanted (create_graph), the layer is the composed per-step ops
// (lstm_layer_composed): the second derivative comes from differentiating that recomputation.
#include <vector>

#include "engine/cpu/matvec.h"
#include "ops/half_matmul.h"
#include "ops/lstm.h"

namespace cadenza {

struct LstmLayerResult {
  Tensor output;   // [T, B, H]: h_t for every step t (in time order, also when reverse)
  LstmState last;  // h and c after the final step [B, H]
};

// x [T, B, I], h0 and c0 [B, H], w_ih [4H, I], w_hh [4H, H], optional b_ih and b_hh [4H].
// reverse: steps from t = T−1 down to 0 (the backward direction of a bidirectional LSTM).
LstmLayerResult lstm_layer(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                           const Tensor& b_ih = {}, const Tensor& b_hh = {}, bool reverse = false);
using LstmLayerKernel =
    FusedKernel<LstmLayerResult(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih,
                                const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh, bool reverse)>;
extern LstmLayerKernel lstm_layer_kernel;
// The same layer as a loop of recorded ops (matmul, add, lstm_pointwise, stack).
LstmLayerResult lstm_layer_composed(const Tensor& x, const Tensor& h0, const Tensor& c0, const Tensor& w_ih,
                                    const Tensor& w_hh, const Tensor& b_ih = {}, const Tensor& b_hh = {},
                                    bool reverse = false);

// Reduced-precision inference: one layer's weights rounded to bf16 (half the bytes a
// batch-1 step streams), the biases summed in f32. Activations, sums and the cell stay f32.
struct LstmInferenceWeights {
  cpu::Bf16Matrix w_ih, w_hh;
  std::vector<float> bias;  // b_ih + b_hh [4H], empty without biases
};
LstmInferenceWeights quantize_lstm_weights(const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih = {},
                                           const Tensor& b_hh = {});
// The layer's forward with such weights: f32 CPU tensors, nothing recorded (inference only).
LstmLayerResult lstm_layer_inference(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmInferenceWeights& w,
                                     bool reverse = false);
// It as a kernel slot (the CPU's): an f32 call with nothing to record; else the caller runs
// the layer from its f32 weights.
using LstmLayerBf16Kernel = FusedKernel<LstmLayerResult(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                                        const LstmInferenceWeights& w, bool reverse)>;
extern LstmLayerBf16Kernel lstm_layer_bf16_kernel;

// f16 inference on a device (ops/half_matmul.h): the weight matrices in f16 on the
// device, the biases f32. The layer is the composed per-step loop with the two products
// reading halves; activations, sums and the cell stay f32. Nothing is recorded.
struct LstmHalfWeights {
  HalfMatrix w_ih, w_hh;
  Tensor b_ih, b_hh;  // optional, f32 on the same device
};
LstmLayerResult lstm_layer_half(const Tensor& x, const Tensor& h0, const Tensor& c0, const LstmHalfWeights& w,
                                bool reverse = false);

}  // namespace cadenza
