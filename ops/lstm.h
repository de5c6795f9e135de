#pragma once
// The LSTM cell with PyTorch's gate order (input, forget, cell, output):
//   gates = x W_ih^T + b_ih + h W_hh^T + b_hh          (two GEMMs through matmul)
//   i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the four [B, H] gate blocks
//   c' = f c + i g,   h' = o tanh(c')
// The pointwise half is one fused kernel with its own autograd node. Its backward runs a
// fused kernel too when no graph of the gradient is wanted (plain training), and is
// written with ops otherwise, so create_graph / second derivatives work.
#include "engine/kernel.h"
#include "engine/tensor.h"

namespace cadenza {

struct LstmState {
  Tensor h, c;
};

// gates [B, 4H], c [B, H] (contiguous) -> h_out, c_out [B, H].
extern Kernel<void(const Tensor& gates, const Tensor& c, const Tensor& h_out, const Tensor& c_out)>
    lstm_pointwise_kernel;
// From the same inputs and the incoming gradients grad_h, grad_c [B, H] (contiguous):
// grad_gates [B, 4H] and grad_c_prev [B, H].
extern Kernel<void(const Tensor& gates, const Tensor& c, const Tensor& grad_h, const Tensor& grad_c,
                   const Tensor& grad_gates, const Tensor& grad_c_prev)>
    lstm_pointwise_backward_kernel;

// x [B, I], h and c [B, H], w_ih [4H, I], w_hh [4H, H], optional b_ih and b_hh [4H].
LstmState lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih, const Tensor& w_hh,
                    const Tensor& b_ih = {}, const Tensor& b_hh = {});
// Checks w_ih [4H, I], w_hh [4H, H] and the optional biases [4H]; errors name `op`.
void check_lstm_weights(const char* op, int64_t I, int64_t H, const Tensor& w_ih, const Tensor& w_hh,
                        const Tensor& b_ih, const Tensor& b_hh);
// The fused pointwise half: gates [B, 4H] (pre-activation), c [B, H] -> {h', c'}.
LstmState lstm_pointwise(const Tensor& gates, const Tensor& c);

}  // namespace cadenza
