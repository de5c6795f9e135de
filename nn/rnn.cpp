#include "nn/rnn.h"

#include <cmath>

#include "engine/autograd.h"
#include "nn/init.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/matmul.h"
#include "ops/random.h"
#include "ops/unary.h"
#include "ops/view.h"

namespace cadenza::nn {

RnnBase::RnnBase(const char* name, int64_t gates, int64_t input_size, int64_t hidden_size, RnnOptions opts,
                 Generator& gen, Generator* dropout_gen)
    : name_(name), input_(input_size), hidden_(hidden_size), opts_(opts), dropout_gen_(dropout_gen) {
  CADENZA_CHECK(input_size > 0 && hidden_size > 0 && opts.num_layers > 0,
                "{}: sizes must be positive (input {}, hidden {}, layers {})", name, input_size, hidden_size,
                opts.num_layers);
  CADENZA_CHECK(opts.dropout >= 0 && opts.dropout < 1, "{}: dropout must lie in [0, 1), got {}", name, opts.dropout);
  double bound = 1 / std::sqrt(double(hidden_size));
  for (int64_t l = 0; l < opts.num_layers; ++l) {
    for (int64_t d = 0; d < num_directions(); ++d) {
      std::string sfx = fmt::format("_l{}{}", l, d ? "_reverse" : "");
      int64_t in = l == 0 ? input_size : hidden_size * num_directions();
      Weights w;
      w.index = weights_.size();
      w.w_ih = register_parameter("weight_ih" + sfx, Tensor::empty({gates * hidden_size, in}));
      w.w_hh = register_parameter("weight_hh" + sfx, Tensor::empty({gates * hidden_size, hidden_size}));
      if (opts.bias) {
        w.b_ih = register_parameter("bias_ih" + sfx, Tensor::empty({gates * hidden_size}));
        w.b_hh = register_parameter("bias_hh" + sfx, Tensor::empty({gates * hidden_size}));
      }
      weights_.push_back(w);
    }
  }
  for (const Tensor& p : parameters()) init::uniform_(p, -bound, bound, gen);
}

std::pair<Tensor, std::vector<Tensor>> RnnBase::run(const Tensor& x, std::vector<Tensor> init, size_t parts) {
  CADENZA_CHECK(x.dim() == 3 && x.size(2) == input_, "{}: expected input [{}, I = {}], got {}", name_,
                opts_.batch_first ? "B, T" : "T, B", input_, shape_str(x.shape()));
  Tensor seq = opts_.batch_first ? transpose(x, 0, 1) : x;  // [T, B, I]
  int64_t B = seq.size(1), D = num_directions();
  Shape state_shape{opts_.num_layers * D, B, hidden_};
  init.resize(parts);
  for (Tensor& s : init) {
    if (!s.defined()) s = Tensor::zeros(state_shape, x.dtype(), x.device());
    CADENZA_CHECK(s.shape() == state_shape, "{}: initial state {} should be {}", name_, shape_str(s.shape()),
                  shape_str(state_shape));
  }
  std::vector<std::vector<Tensor>> finals(parts);
  for (int64_t l = 0; l < opts_.num_layers; ++l) {
    std::vector<Tensor> dir_outputs;
    for (int64_t d = 0; d < D; ++d) {
      const Weights& w = weights_[static_cast<size_t>(l * D + d)];
      std::vector<Tensor> state;
      for (const Tensor& s : init) state.push_back(select(s, 0, l * D + d));
      auto [out, last] = layer(seq, std::move(state), w, d == 1);
      dir_outputs.push_back(out);
      for (size_t p = 0; p < parts; ++p) finals[p].push_back(last[p]);
    }
    seq = D == 1 ? dir_outputs[0] : concat(dir_outputs, 2);
    if (l + 1 < opts_.num_layers && opts_.dropout > 0) seq = dropout(seq, opts_.dropout, is_training(), dropout_gen_);
  }
  std::vector<Tensor> final_state;
  for (auto& f : finals) final_state.push_back(stack(f, 0));
  return {opts_.batch_first ? transpose(seq, 0, 1) : seq, final_state};
}

std::pair<Tensor, std::vector<Tensor>> RnnBase::layer(const Tensor& seq, std::vector<Tensor> state, const Weights& w,
                                                      bool reverse) const {
  // All time steps' input projections in one GEMM.
  Tensor gx = matmul(seq, w.w_ih, false, true);
  if (w.b_ih.defined()) gx = add(gx, w.b_ih);
  const int64_t T = seq.size(0);
  std::vector<Tensor> hs(static_cast<size_t>(T));
  for (int64_t i = 0; i < T; ++i) {
    int64_t t = reverse ? T - 1 - i : i;
    state = cell(select(gx, 0, t), state, w);
    hs[static_cast<size_t>(t)] = state[0];
  }
  return {stack(hs, 0), state};
}

LSTM::LSTM(int64_t input_size, int64_t hidden_size, RnnOptions opts, Generator& gen, Generator* dropout_gen)
    : RnnBase("LSTM", 4, input_size, hidden_size, opts, gen, dropout_gen) {}

LSTM::Result LSTM::forward(const Tensor& x, const LstmState& init) {
  auto [out, state] = run(x, {init.h, init.c}, 2);
  return {out, {state[0], state[1]}};
}

std::pair<Tensor, std::vector<Tensor>> LSTM::layer(const Tensor& seq, std::vector<Tensor> state, const Weights& w,
                                                   bool reverse) const {
  // bf16 weights where the device's slot takes the call (the CPU's, in f32, nothing to record).
  if (!inference_.empty() && !GradMode::enabled())
    if (auto r = lstm_layer_bf16_kernel(seq.device(), seq, state[0], state[1], inference_[w.index], reverse))
      return {r->output, {r->last.h, r->last.c}};
  if (!half_.empty() && !GradMode::enabled() && seq.device() == half_[w.index].w_ih.device() &&
      seq.dtype() == DType::f32) {
    LstmLayerResult r = lstm_layer_half(seq, state[0], state[1], half_[w.index], reverse);
    return {r.output, {r.last.h, r.last.c}};
  }
  LstmLayerResult r = lstm_layer(seq, state[0], state[1], w.w_ih, w.w_hh, w.b_ih, w.b_hh, reverse);
  return {r.output, {r.last.h, r.last.c}};
}

void LSTM::quantize_for_inference(WeightPrecision p) {
  inference_.clear();
  half_.clear();
  if (p == WeightPrecision::bf16)
    for (const Weights& w : layer_weights())
      inference_.push_back(quantize_lstm_weights(w.w_ih, w.w_hh, w.b_ih, w.b_hh));
  // f16: the biases stay the f32 parameters themselves (detached handles).
  auto handle = [](const Tensor& b) { return b.defined() ? b.detach() : Tensor(); };
  if (p == WeightPrecision::f16)
    for (const Weights& w : layer_weights())
      half_.push_back({to_half(w.w_ih), to_half(w.w_hh), handle(w.b_ih), handle(w.b_hh)});
}

std::vector<Tensor> LSTM::cell(const Tensor& gx, const std::vector<Tensor>& state, const Weights& w) const {
  Tensor gates = add(gx, matmul(state[0], w.w_hh, false, true));
  if (w.b_hh.defined()) gates = add(gates, w.b_hh);
  LstmState next = lstm_pointwise(gates, state[1]);
  return {next.h, next.c};
}

GRU::GRU(int64_t input_size, int64_t hidden_size, RnnOptions opts, Generator& gen, Generator* dropout_gen)
    : RnnBase("GRU", 3, input_size, hidden_size, opts, gen, dropout_gen) {}

GRU::Result GRU::forward(const Tensor& x, const Tensor& h0) {
  auto [out, state] = run(x, {h0}, 1);
  return {out, state[0]};
}

// PyTorch's GRU (gate order r, z, n):
//   r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r ⊙ gh_n), h' = n + z ⊙ (h − n)
// where gh = h W_hhᵀ + b_hh, so b_hn stays inside the reset gate's product.
std::vector<Tensor> GRU::cell(const Tensor& gx, const std::vector<Tensor>& state, const Weights& w) const {
  const Tensor& h = state[0];
  int64_t H = hidden_size();
  Tensor gh = matmul(h, w.w_hh, false, true);
  if (w.b_hh.defined()) gh = add(gh, w.b_hh);
  Tensor r = sigmoid(add(narrow(gx, 1, 0, H), narrow(gh, 1, 0, H)));
  Tensor z = sigmoid(add(narrow(gx, 1, H, H), narrow(gh, 1, H, H)));
  Tensor n = tanh(add(narrow(gx, 1, 2 * H, H), mul(r, narrow(gh, 1, 2 * H, H))));
  return {add(n, mul(z, sub(h, n)))};
}

}  // namespace cadenza::nn
