#include "models/lstm/lookback_attention.h"

#include <cmath>

#include "nn/init.h"
#include "ops/ops.h"

namespace cadenza::models {

LookbackAttention::LookbackAttention(int64_t input_size, int64_t hidden, int64_t num_layers, int64_t attn_length)
    : hidden_(hidden), length_(attn_length) {
  in_proj_ = register_module("in_proj", std::make_shared<nn::Linear>(input_size + hidden, input_size));
  query_ = register_module("query", std::make_shared<nn::Linear>(2 * num_layers * hidden, hidden));
  out_proj_ = register_module("out_proj", std::make_shared<nn::Linear>(2 * hidden, hidden));
  double bound = 1 / std::sqrt(double(hidden));
  key_weight_ = register_parameter("key_weight", Tensor::empty({hidden, hidden}));
  v_ = register_parameter("v", Tensor::empty({hidden}));
  nn::init::uniform_(key_weight_, -bound, bound);
  nn::init::uniform_(v_, -bound, bound);
}

Tensor LookbackAttention::step(const Tensor& x, nn::LSTM& lstm, LstmState& lstm_state, AttentionState& state,
                               const std::function<Tensor(const Tensor&)>& post) {
  const int64_t B = x.size(0);
  if (!state.attns.defined()) state.attns = Tensor::zeros({B, hidden_}, x.dtype(), x.device());
  if (!state.window.defined()) state.window = Tensor::zeros({B, length_, hidden_}, x.dtype(), x.device());
  Tensor xin = in_proj_->forward(concat({x, state.attns}, 1));
  nn::LSTM::Result r = lstm.forward(unsqueeze(xin, 1), lstm_state);
  lstm_state = r.state;
  Tensor out = post(squeeze(r.output, 1));
  // The query: every layer's (c, h) of the new state, layer by layer.
  std::vector<Tensor> parts;
  for (int64_t l = 0; l < lstm_state.h.size(0); ++l) {
    parts.push_back(select(lstm_state.c, 0, l));
    parts.push_back(select(lstm_state.h, 0, l));
  }
  Tensor q = query_->forward(concat(parts, 1));                                    // [B, A]
  Tensor keys = matmul(state.window, key_weight_, false, true);                    // [B, L, A]
  Tensor scores = sum(mul(tanh(add(keys, unsqueeze(q, 1))), v_), {-1});            // [B, L]
  Tensor attns = sum(mul(unsqueeze(softmax(scores, -1), -1), state.window), {1});  // [B, A]
  Tensor y = out_proj_->forward(concat({out, attns}, 1));
  state.attns = attns;
  state.window = length_ == 1 ? unsqueeze(y, 1) : concat({narrow(state.window, 1, 1, length_ - 1), unsqueeze(y, 1)}, 1);
  return y;
}

}  // namespace cadenza::models
