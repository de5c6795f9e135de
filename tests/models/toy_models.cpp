// Two tiny model families registered only in the test binaries (test_models and the
// cadenza_toy CLI), so the trainer, the data pipeline and the commands are tested fast
// and without depending on the real families:
//   toy_tokens  embedding -> dropout -> linear: a bigram model over a tokenizer's vocabulary
//               (config: tokenizer, dim, dropout, nan_after)
//   toy_roll    one linear layer from frame t to the Bernoulli logits of frame t + 1
//               (config: nan_after)
// nan_after = n > 0 makes every training-mode loss after the n-th one NaN, to test the
// trainer's divergence stop.
#include "models/registry.h"
#include "music/repr/json_roll.h"
#include "music/repr/tokenizer.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "ops/ops.h"

namespace cadenza::models::test {
namespace {

using nlohmann::json;
namespace repr = music::repr;

// The trainer-facing behaviour both toys share: NaN injection and the config.
class ToyBase : public Model {
 public:
  explicit ToyBase(json config) : config_(std::move(config)), nan_after_(config_.value("nan_after", 0)) {}
  json config() const override { return config_; }

 protected:
  Tensor maybe_poison(const Tensor& loss) {
    if (is_training() && nan_after_ > 0 && ++losses_ > nan_after_) return mul(loss, NAN);
    return loss;
  }
  json config_;

 private:
  int64_t nan_after_;
  int64_t losses_ = 0;
};

class ToyTokens final : public ToyBase {
 public:
  explicit ToyTokens(json config)
      : ToyBase(std::move(config)), tok_(repr::make_tokenizer(config_.value("tokenizer", "melody"))) {
    const int64_t vocab = tok_->vocab_size(), dim = config_.value("dim", 8);
    embed_ = register_module("embed", std::make_shared<nn::Embedding>(vocab, dim));
    drop_ = register_module("drop", std::make_shared<nn::Dropout>(config_.value("dropout", 0.1)));
    out_ = register_module("out", std::make_shared<nn::Linear>(dim, vocab));
  }
  std::string name() const override { return "toy_tokens"; }
  std::string tokenizer() const override { return tok_->name(); }
  Tensor forward(const Batch& b) override { return out_->forward(drop_->forward(embed_->forward(b.inputs))); }

  LossResult loss(const Batch& b) override {
    const Tensor logits = forward(b);
    LossResult r;
    r.loss = maybe_poison(cross_entropy(logits, b.targets));
    r.steps = sum(b.mask).item<double>();
    r.nll_sum = r.loss.item<double>() * r.steps;
    r.correct = sum(mul(to_dtype(eq(argmax(logits, -1), b.targets), DType::f32), b.mask)).item<double>();
    return r;
  }

  music::Score sample(const SampleOptions& o, Generator& gen) override {
    std::vector<int32_t> tokens = o.primer ? tok_->encode(*o.primer) : std::vector<int32_t>{};
    if (tokens.empty()) tokens.push_back(0);
    for (int64_t i = 0; i < o.length; ++i) {
      const Tensor last = Tensor::from_vector<int64_t>({tokens.back()}, {1});
      const Tensor next = sample_logits(out_->forward(embed_->forward(last)), o.temperature, o.top_k, o.top_p, &gen);
      tokens.push_back(static_cast<int32_t>(next.item<int64_t>()));
    }
    return tok_->decode(tokens);
  }

 private:
  std::unique_ptr<repr::Tokenizer> tok_;
  std::shared_ptr<nn::Embedding> embed_;
  std::shared_ptr<nn::Dropout> drop_;
  std::shared_ptr<nn::Linear> out_;
};

class ToyRoll final : public ToyBase {
 public:
  explicit ToyRoll(json config) : ToyBase(std::move(config)) {
    lin_ = register_module("lin", std::make_shared<nn::Linear>(repr::kRollPitches, repr::kRollPitches));
  }
  std::string name() const override { return "toy_roll"; }
  Tensor forward(const Batch& b) override { return lin_->forward(b.inputs); }

  LossResult loss(const Batch& b) override {
    const Tensor logits = forward(b);
    const Tensor per_frame = sum(binary_cross_entropy_with_logits(logits, b.targets, {}, Reduction::none), {-1});
    LossResult r;
    r.steps = sum(b.mask).item<double>();
    r.loss = maybe_poison(div(sum(mul(per_frame, b.mask)), r.steps));
    r.nll_sum = r.loss.item<double>() * r.steps;
    // A frame counts as right when every key is (thresholded at p = 0.5).
    const Tensor wrong = sum(ne(gt(logits, 0.0), gt(b.targets, 0.5)), {-1});
    r.correct = sum(mul(to_dtype(eq(wrong, 0.0), DType::f32), b.mask)).item<double>();
    return r;
  }

  music::Score sample(const SampleOptions& o, Generator& gen) override {
    repr::RollPiece piece = o.primer ? repr::score_to_roll_piece(*o.primer, 1) : repr::RollPiece{};
    if (piece.empty()) piece.emplace_back();
    for (int64_t i = 0; i < o.length; ++i) {
      std::vector<float> frame(repr::kRollPitches, 0.0f);
      for (int p : piece.back())
        if (p >= repr::kRollLowestPitch && p < repr::kRollLowestPitch + repr::kRollPitches)
          frame[p - repr::kRollLowestPitch] = 1;
      const Tensor x = Tensor::from_vector<float>(frame, {1, repr::kRollPitches});
      const std::vector<float> on = bernoulli(sigmoid(div(lin_->forward(x), o.temperature)), &gen).to_vector<float>();
      repr::RollStep step;
      for (int k = 0; k < repr::kRollPitches; ++k)
        if (on[k] > 0.5f) step.push_back(repr::kRollLowestPitch + k);
      piece.push_back(std::move(step));
    }
    return repr::roll_piece_to_score(piece, 1);
  }

 private:
  std::shared_ptr<nn::Linear> lin_;
};

json toy_preset(const std::string& preset) {
  if (preset != "small" && preset != "paper")
    throw std::invalid_argument("unknown preset '" + preset + "' (known: small, paper)");
  return json::object();
}

const ModelRegistrar kTokens{{"toy_tokens", "test-only bigram token model", toy_preset,
                              [](const json& c) { return std::make_shared<ToyTokens>(c); }}};
const ModelRegistrar kRoll{{"toy_roll", "test-only linear next-frame model", toy_preset,
                            [](const json& c) { return std::make_shared<ToyRoll>(c); }}};

}  // namespace

}  // namespace cadenza::models::test
