#pragma once
// The LSTM language model behind melody_rnn and performance_rnn (Magenta's
// EventSequenceRnnModel): one-hot token [+ per-step condition] -> LSTM stack (optionally
// wrapped in Magenta's lookback attention) -> dropout -> Linear -> vocabulary logits.
//
// Start convention: a negative input token (kStartToken) is the all-zero one-hot vector,
// the "nothing yet" input. The trainer should build inputs = [kStartToken, t_0 .. t_{n-2}],
// targets = [t_0 .. t_{n-1}], so the first token is modelled too; the sampler always
// starts from it (then the primer's tokens).
//
// Sampling carries the recurrent state (each step feeds one token, nothing is
// recomputed). beam > 1 is Magenta's beam search: each of the W hypotheses branches into
// W continuations drawn from its (temperature / top-k / top-p) distribution, and the W
// distinct (parent, token) pairs with the highest total log-probability under that
// distribution survive, their states reordered; the best hypothesis is returned.
#include <memory>
#include <nlohmann/json.hpp>

#include "models/lstm/lookback_attention.h"
#include "models/model.h"
#include "music/repr/tokenizer.h"
#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::models {

inline constexpr int64_t kStartToken = -1;

struct TokenRnnConfig {
  std::string tokenizer;  // music::repr name
  int64_t hidden = 128;
  int64_t num_layers = 2;
  double dropout = 0;          // between layers and on the top output, in training
  int64_t attn_length = 0;     // 0: no attention (basic_rnn)
  int64_t condition_size = 0;  // width of Batch.condition (0: unconditioned)
};

// The recurrent state of a batch of sequences: the LSTM stack's and the attention's.
struct TokenRnnState {
  LstmState lstm;
  AttentionState attention;
};

class TokenRnn : public Model {
 public:
  // `json` is the full config returned by config() (make() rebuilds the model from it).
  TokenRnn(std::string name, TokenRnnConfig config, nlohmann::json json);
  std::string name() const override { return name_; }
  nlohmann::json config() const override { return json_; }
  std::string tokenizer() const override { return cfg_.tokenizer; }
  Tensor forward(const Batch& batch) override;
  LossResult loss(const Batch& batch) override;
  // Carries each row's LSTM (and attention) state across its consecutive evaluation windows.
  std::unique_ptr<EvalSession> eval_session() override;
  music::Score sample(const SampleOptions& options, Generator& gen) override;

  // tokens i64 [B, T] (negative = start), condition f32 [B, T, C] or undefined when C = 0
  // -> logits [B, T, V], carrying `state` across calls.
  Tensor step(const Tensor& tokens, const Tensor& condition, TokenRnnState& state);
  int64_t vocab_size() const { return vocab_; }
  // The per-step condition used while sampling ([C] values; empty when C = 0); public for
  // samplers that drive step() themselves (a live continuation).
  virtual std::vector<float> sampling_condition(const nlohmann::json& controls) const;
  // The SampleOptions.controls keys the model follows (others are refused).
  virtual std::vector<std::string> control_names() const { return {}; }

 protected:
  const TokenRnnConfig& token_config() const { return cfg_; }

 private:
  Tensor inputs(const Tensor& tokens, const Tensor& condition) const;
  // loss() from `state`, which it updates (an evaluation session's windows).
  LossResult loss(const Batch& batch, TokenRnnState& state);
  Tensor output_dropout(const Tensor& h) const;
  std::vector<int32_t> sample_tokens(const SampleOptions& o, Generator& gen, std::vector<int32_t> prefix);
  std::vector<int32_t> beam_search(const SampleOptions& o, Generator& gen, std::vector<int32_t> prefix);

  std::string name_;
  TokenRnnConfig cfg_;
  nlohmann::json json_;
  std::unique_ptr<music::repr::Tokenizer> tok_;
  int64_t vocab_;
  std::shared_ptr<nn::LSTM> lstm_;
  std::shared_ptr<LookbackAttention> attention_;  // null without attention
  std::shared_ptr<nn::Linear> output_;
};

// Reads the keys shared by the token families (hidden, num_layers, dropout, attn_length)
// from a JSON config, with `base` supplying the defaults, and writes them back.
TokenRnnConfig read_token_rnn_config(const nlohmann::json& config, const std::string& model, TokenRnnConfig base);
nlohmann::json token_rnn_config_json(const TokenRnnConfig& c);

}  // namespace cadenza::models
