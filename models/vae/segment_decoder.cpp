#include "models/vae/segment_decoder.h"

#include "engine/autograd.h"
#include "ops/ops.h"

namespace cadenza::models::vae {

SegmentDecoder::SegmentDecoder(int64_t vocab, int64_t embedding, int64_t hidden, int64_t layers, bool autoregressive)
    : vocab_(vocab), hidden_(hidden), layers_(layers), autoregressive_(autoregressive) {
  init_ = register_module("init", std::make_shared<nn::Linear>(embedding, 2 * layers * hidden));
  nn::RnnOptions opts{.num_layers = layers, .batch_first = true};
  lstm_ = register_module("lstm", std::make_shared<nn::LSTM>(vocab + embedding, hidden, opts));
  output_ = register_module("output", std::make_shared<nn::Linear>(hidden, vocab));
}

LstmState SegmentDecoder::initial_state(const Tensor& emb) const {
  const int64_t B = emb.size(0);
  // tanh(dense(e)) split into (h, c) per layer, each [layers, B, H] as nn::LSTM wants.
  Tensor s = permute(reshape(tanh(init_->forward(emb)), {B, 2, layers_, hidden_}), {1, 2, 0, 3});
  return {contiguous(select(s, 0, 0)), contiguous(select(s, 0, 1))};
}

Tensor SegmentDecoder::step(const Tensor& prev, const Tensor& emb, LstmState& state) {
  const int64_t B = prev.size(0), L = prev.size(1);
  Tensor in = autoregressive_ ? prev : Tensor::zeros(prev.shape(), prev.dtype());
  Tensor e = expand(unsqueeze(emb, 1), {B, L, emb.size(1)});
  nn::LSTM::Result r = lstm_->forward(concat({in, e}, 2), state);
  state = r.state;
  return output_->forward(r.output);
}

Tensor SegmentDecoder::teacher(const Tensor& emb, const Tensor& prev, double sample_prob, Generator* gen) {
  LstmState state = initial_state(emb);
  if (sample_prob <= 0 || !autoregressive_) return step(prev, emb, state);
  const int64_t B = prev.size(0), L = prev.size(1);
  std::vector<Tensor> logits;
  Tensor input = narrow(prev, 1, 0, 1);
  for (int64_t t = 0; t < L; ++t) {
    if (t > 0) {
      Tensor truth = narrow(prev, 1, t, 1);
      NoGradGuard ng;
      Tensor drawn = one_hot(sample_logits(select(logits.back(), 1, 0), 1.0, 0, 1.0, gen), vocab_);
      Tensor coin = bernoulli({B, 1, 1}, sample_prob, DType::f32, gen);
      input = where(coin, unsqueeze(drawn, 1), truth);
    }
    logits.push_back(step(input, emb, state));
  }
  return concat(logits, 1);
}

Tensor SegmentDecoder::generate(const Tensor& emb, const Tensor& prev0, int64_t length, double temperature,
                                Generator& gen, std::vector<std::vector<int32_t>>& out) {
  const int64_t B = emb.size(0);
  out.resize(size_t(B));
  LstmState state = initial_state(emb);
  Tensor prev = prev0;
  for (int64_t t = 0; t < length; ++t) {
    Tensor logits = select(step(unsqueeze(prev, 1), emb, state), 1, 0);  // [B, V]
    Tensor ids = temperature > 0 ? sample_logits(logits, temperature, 0, 1.0, &gen) : argmax(logits, -1);
    std::vector<int64_t> v = ids.to_vector<int64_t>();
    for (int64_t b = 0; b < B; ++b) out[size_t(b)].push_back(int32_t(v[size_t(b)]));
    prev = one_hot(ids, vocab_);
  }
  return prev;
}

}  // namespace cadenza::models::vae
