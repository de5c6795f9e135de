#pragma once
// Magenta's attention_rnn cell wrapper (tf.contrib.rnn.AttentionCellWrapper, after
// Bahdanau et al. 2015, as used by melody_rnn's attention_rnn config), around a stack of
// LSTM layers. Per step, with A = the LSTM's hidden size and L = attn_length:
//   x' = W_in [x_t ; a_{t-1}] + b              (back to the input width)
//   out, state = LSTM stack (x', state)
//   q = [c_0 ; h_0 ; c_1 ; h_1 ; ...] of the new state
//   s_j = v · tanh(W_k m_j + W_q q + b_q)      over the last L outputs m_j (zeros at first)
//   a_t = Σ_j softmax(s)_j m_j
//   y_t = W_o [out ; a_t] + b_o                (the step's output, width A)
// and y_t joins the window of outputs, the oldest one leaving it.
#include <functional>

#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::models {

struct AttentionState {
  Tensor attns;   // [B, A], a_{t-1}
  Tensor window;  // [B, L, A], the last L outputs, oldest first
};

class LookbackAttention : public nn::Module {
 public:
  LookbackAttention(int64_t input_size, int64_t hidden, int64_t num_layers, int64_t attn_length);
  // One step: x [B, I], the stack's state and the attention state (undefined = zeros),
  // both updated; returns y_t [B, A]. `post` is applied to the top LSTM output first
  // (Magenta's output dropout sits inside the wrapped cell).
  Tensor step(const Tensor& x, nn::LSTM& lstm, LstmState& lstm_state, AttentionState& state,
              const std::function<Tensor(const Tensor&)>& post);
  int64_t attn_length() const { return length_; }

 private:
  int64_t hidden_, length_;
  std::shared_ptr<nn::Linear> in_proj_, query_, out_proj_;
  Tensor key_weight_;  // W_k [A, A] (Magenta's 1x1 conv, no bias)
  Tensor v_;           // [A]
};

}  // namespace cadenza::models
