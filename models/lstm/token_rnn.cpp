#include "models/lstm/token_rnn.h"

#include <algorithm>
#include <limits>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/common/config_read.h"
#include "models/common/sample_checks.h"
#include "models/common/step_loss.h"
#include "models/eval_session.h"
#include "ops/ops.h"

namespace cadenza::models {

TokenRnn::TokenRnn(std::string name, TokenRnnConfig config, nlohmann::json json)
    : name_(std::move(name)), cfg_(std::move(config)), json_(std::move(json)) {
  tok_ = music::repr::make_tokenizer(cfg_.tokenizer);
  vocab_ = tok_->vocab_size();
  const int64_t input = vocab_ + cfg_.condition_size;
  nn::RnnOptions opts{.num_layers = cfg_.num_layers, .batch_first = true, .dropout = cfg_.dropout};
  lstm_ = register_module("lstm", std::make_shared<nn::LSTM>(input, cfg_.hidden, opts));
  if (cfg_.attn_length > 0)
    attention_ = register_module(
        "attention", std::make_shared<LookbackAttention>(input, cfg_.hidden, cfg_.num_layers, cfg_.attn_length));
  output_ = register_module("output", std::make_shared<nn::Linear>(cfg_.hidden, vocab_));
}

Tensor TokenRnn::inputs(const Tensor& tokens, const Tensor& condition) const {
  CADENZA_CHECK(tokens.dim() == 2, "{}: expected tokens [B, T], got {}", name_, shape_str(tokens.shape()));
  const int64_t B = tokens.size(0), T = tokens.size(1);
  std::vector<float> one_hot(size_t(B * T * vocab_), 0.f);
  // An explicit host read: the ids are checked and one-hot encoded on the host (start
  // tokens are negative), then uploaded to the model's device; samplers pass host tokens.
  std::vector<int64_t> ids = tokens.to_vector<int64_t>();
  for (size_t i = 0; i < ids.size(); ++i) {
    CADENZA_CHECK(ids[i] < vocab_, "{}: input token {} out of range for {} classes", name_, ids[i], vocab_);
    if (ids[i] >= 0) one_hot[i * size_t(vocab_) + size_t(ids[i])] = 1.f;  // negative: start, all zeros
  }
  Tensor x = cadenza::to(Tensor::from_vector<float>(one_hot, {B, T, vocab_}), device());
  if (cfg_.condition_size == 0) return x;
  Shape want{B, T, cfg_.condition_size};
  CADENZA_CHECK(condition.defined() && condition.shape() == want, "{}: expected condition {}, got {}", name_,
                shape_str(want), condition.defined() ? shape_str(condition.shape()) : "none");
  return concat({x, cadenza::to(to_dtype(condition, DType::f32), x.device())}, 2);
}

Tensor TokenRnn::output_dropout(const Tensor& h) const {
  return cfg_.dropout > 0 ? dropout(h, cfg_.dropout, is_training()) : h;
}

Tensor TokenRnn::step(const Tensor& tokens, const Tensor& condition, TokenRnnState& state) {
  Tensor x = inputs(tokens, condition);
  Tensor h;
  if (!attention_) {
    nn::LSTM::Result r = lstm_->forward(x, state.lstm);
    state.lstm = r.state;
    h = output_dropout(r.output);
  } else {
    std::vector<Tensor> ys;
    for (int64_t t = 0; t < x.size(1); ++t)
      ys.push_back(attention_->step(select(x, 1, t), *lstm_, state.lstm, state.attention,
                                    [this](const Tensor& out) { return output_dropout(out); }));
    h = stack(ys, 1);
  }
  return output_->forward(h);
}

Tensor TokenRnn::forward(const Batch& batch) {
  TokenRnnState state;
  return step(batch.inputs, batch.condition, state);
}

LossResult TokenRnn::loss(const Batch& batch) {
  TokenRnnState state;
  return loss(batch, state);
}

std::unique_ptr<EvalSession> TokenRnn::eval_session() {
  return std::make_unique<CarriedSession<TokenRnnState>>(
      [](const TokenRnnState& s, const Tensor& carry) {
        TokenRnnState next;
        next.lstm = {carried_rows(s.lstm.h, carry, 1), carried_rows(s.lstm.c, carry, 1)};
        next.attention = {carried_rows(s.attention.attns, carry, 0), carried_rows(s.attention.window, carry, 0)};
        return next;
      },
      [this](const Batch& batch, TokenRnnState& state) { return loss(batch, state); });
}

LossResult TokenRnn::loss(const Batch& batch, TokenRnnState& state) {
  Tensor logits = step(batch.inputs, batch.condition, state);
  CADENZA_CHECK(batch.targets.shape() == batch.inputs.shape(), "{}: targets {} should match inputs {}", name_,
                shape_str(batch.targets.shape()), shape_str(batch.inputs.shape()));
  Tensor nll = cross_entropy(logits, batch.targets, {.ignore_index = -100, .reduction = Reduction::none});
  Tensor mask = batch.mask.defined() ? batch.mask : ne(to_dtype(batch.targets, DType::f32), -100.0);
  LossResult r = masked_step_loss(nll, mask, name_);
  NoGradGuard ng;
  Tensor hits = to_dtype(eq(argmax(logits, -1), to_dtype(batch.targets, DType::i64)), DType::f32);
  r.correct = sum(mul(hits, to_dtype(mask, DType::f32))).item<double>();
  return r;
}

std::vector<float> TokenRnn::sampling_condition(const nlohmann::json&) const { return {}; }

namespace {

// The sampling distribution's logits: temperature, then top-k, then top-p.
Tensor filtered_logits(const Tensor& logits, const SampleOptions& o) {
  Tensor z = contiguous(div(logits, o.temperature));
  if (o.top_k > 0) z = top_k_filter(z, o.top_k);
  if (o.top_p < 1) z = top_p_filter(z, o.top_p);
  return z;
}

Tensor token_tensor(const std::vector<int32_t>& ids, int64_t rows) {
  return Tensor::from_vector<int64_t>(std::vector<int64_t>(ids.begin(), ids.end()), {rows, int64_t(ids.size()) / rows});
}

// The condition [rows, T, C] repeating one control vector (undefined when C = 0).
Tensor repeat_condition(const std::vector<float>& c, int64_t rows, int64_t T) {
  if (c.empty()) return {};
  Tensor one = Tensor::from_vector<float>(c, {1, 1, int64_t(c.size())});
  return contiguous(expand(one, {rows, T, int64_t(c.size())}));
}

void reorder(TokenRnnState& s, const std::vector<int64_t>& rows) {
  Tensor idx = to(Tensor::from_vector<int64_t>(rows, {int64_t(rows.size())}), s.lstm.h.device());
  s.lstm = {index_select(s.lstm.h, 1, idx), index_select(s.lstm.c, 1, idx)};
  if (s.attention.attns.defined()) {
    s.attention.attns = index_select(s.attention.attns, 0, idx);
    s.attention.window = index_select(s.attention.window, 0, idx);
  }
}

}  // namespace

std::vector<int32_t> TokenRnn::sample_tokens(const SampleOptions& o, Generator& gen, std::vector<int32_t> prefix) {
  std::vector<float> cond = sampling_condition(o.controls);
  TokenRnnState state;
  const int64_t P = int64_t(prefix.size());
  Tensor logits = step(token_tensor(prefix, 1), repeat_condition(cond, 1, P), state);
  Tensor last = select(logits, 1, P - 1);  // [1, V]
  std::vector<int32_t> out;
  for (int64_t i = 0; i < o.length; ++i) {
    int64_t id = sample_logits(last, o.temperature, o.top_k, o.top_p, &gen).item<int64_t>();
    out.push_back(int32_t(id));
    last = select(step(token_tensor({int32_t(id)}, 1), repeat_condition(cond, 1, 1), state), 1, 0);
  }
  return out;
}

std::vector<int32_t> TokenRnn::beam_search(const SampleOptions& o, Generator& gen, std::vector<int32_t> prefix) {
  const int64_t W = o.beam;
  std::vector<float> cond = sampling_condition(o.controls);
  TokenRnnState state;
  const int64_t P = int64_t(prefix.size());
  Tensor last = select(step(token_tensor(prefix, 1), repeat_condition(cond, 1, P), state), 1, P - 1);
  // W copies of the primed state; only the first is live until the first branching.
  std::vector<int64_t> rows(static_cast<size_t>(W), 0);
  reorder(state, rows);
  last = index_select(last, 0, cadenza::to(Tensor::from_vector<int64_t>(rows, {W}), last.device()));
  const double dead = -std::numeric_limits<double>::infinity();
  std::vector<double> score(static_cast<size_t>(W), dead);
  score[0] = 0;
  std::vector<std::vector<int32_t>> seqs(static_cast<size_t>(W));
  for (int64_t i = 0; i < o.length; ++i) {
    Tensor z = filtered_logits(last, o);
    std::vector<float> logp = log_softmax(z, -1).to_vector<float>();
    std::vector<int64_t> draws = multinomial(softmax(z, -1), W, &gen).to_vector<int64_t>();  // [W, W]
    struct Candidate {
      double score;
      int64_t parent, token;
    };
    std::vector<Candidate> cands;
    for (int64_t h = 0; h < W; ++h) {
      if (score[size_t(h)] == dead) continue;
      for (int64_t j = 0; j < W; ++j) {
        int64_t tok = draws[size_t(h * W + j)];
        bool seen = std::any_of(cands.begin(), cands.end(),
                                [&](const Candidate& c) { return c.parent == h && c.token == tok; });
        if (!seen) cands.push_back({score[size_t(h)] + logp[size_t(h * vocab_ + tok)], h, tok});
      }
    }
    std::stable_sort(cands.begin(), cands.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    std::vector<std::vector<int32_t>> next(static_cast<size_t>(W));
    std::vector<int32_t> tokens(static_cast<size_t>(W));
    for (int64_t k = 0; k < W; ++k) {
      // Fewer distinct candidates than W (e.g. top-k = 1): the best one fills the rest,
      // marked dead so it is not counted twice.
      bool real = k < int64_t(cands.size());
      const Candidate& c = real ? cands[size_t(k)] : cands[0];
      rows[size_t(k)] = c.parent;
      tokens[size_t(k)] = int32_t(c.token);
      next[size_t(k)] = seqs[size_t(c.parent)];
      next[size_t(k)].push_back(int32_t(c.token));
      score[size_t(k)] = real ? c.score : dead;
    }
    seqs = std::move(next);
    reorder(state, rows);
    last = select(step(token_tensor(tokens, W), repeat_condition(cond, W, 1), state), 1, 0);
  }
  return seqs[size_t(std::max_element(score.begin(), score.end()) - score.begin())];
}

music::Score TokenRnn::sample(const SampleOptions& o, Generator& gen) {
  check_sample_options(o, name_);
  check_controls(o, name_, control_names());
  NoGradGuard no_grad;
  nn::EvalScope eval(*this);
  std::vector<int32_t> primer = o.primer ? tok_->encode(*o.primer) : std::vector<int32_t>{};
  std::vector<int32_t> prefix{int32_t(kStartToken)};
  prefix.insert(prefix.end(), primer.begin(), primer.end());
  std::vector<int32_t> made = o.beam > 1 ? beam_search(o, gen, prefix) : sample_tokens(o, gen, prefix);
  primer.insert(primer.end(), made.begin(), made.end());
  return tok_->decode(primer);
}

TokenRnnConfig read_token_rnn_config(const nlohmann::json& config, const std::string& model, TokenRnnConfig base) {
  base.hidden = config_int(config, model, "hidden", base.hidden, 1);
  base.num_layers = config_int(config, model, "num_layers", base.num_layers, 1);
  base.dropout = config_real(config, model, "dropout", base.dropout, 0.0, 1.0);
  base.attn_length = config_int(config, model, "attn_length", base.attn_length, 0);
  return base;
}

nlohmann::json token_rnn_config_json(const TokenRnnConfig& c) {
  return {{"hidden", c.hidden}, {"num_layers", c.num_layers}, {"dropout", c.dropout}, {"attn_length", c.attn_length}};
}

}  // namespace cadenza::models
