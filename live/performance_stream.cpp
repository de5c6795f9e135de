// Token models on the "performance" representation, one token per step (note_stream.h).
#include <algorithm>
#include <array>
#include <cmath>

#include "engine/autograd.h"
#include "live/note_stream_kinds.h"
#include "models/lstm/token_rnn.h"
#include "models/transformer/music_transformer.h"
#include "music/repr/performance.h"
#include "ops/ops.h"

namespace cadenza::live {
namespace {

using music::repr::PerformanceTokenizer;

// The primer's newest tokens only: the history can be a minute long, and priming its every
// token would put the whole minute into the first-event latency.
constexpr size_t kPrimerTokens = 192;

Tensor ids_tensor(std::span<const int32_t> ids, Device device) {
  std::vector<int64_t> v(ids.begin(), ids.end());
  return cadenza::to(Tensor::from_vector<int64_t>(v, {1, int64_t(v.size())}), device);
}

Tensor last_row(const Tensor& logits) {
  return reshape(narrow(logits, 1, logits.size(1) - 1, 1), {1, logits.size(-1)});
}

class RnnStepper : public TokenStepper {
 public:
  explicit RnnStepper(std::shared_ptr<models::TokenRnn> m) : model_(std::move(m)) {}
  Tensor prime(std::span<const int32_t> tokens, double density) override {
    nlohmann::json controls = nlohmann::json::object();
    for (const std::string& name : model_->control_names())
      if (name == "note_density") controls[name] = density;
    condition_ = model_->sampling_condition(controls);
    state_ = {};
    std::vector<int32_t> prefix{int32_t(models::kStartToken)};
    prefix.insert(prefix.end(), tokens.begin(), tokens.end());
    return last_row(model_->step(ids_tensor(prefix, Device::cpu()), condition(int64_t(prefix.size())), state_));
  }
  Tensor step(int32_t token) override {
    return last_row(model_->step(ids_tensor({&token, 1}, Device::cpu()), condition(1), state_));
  }

 private:
  Tensor condition(int64_t steps) const {
    if (condition_.empty()) return {};
    const int64_t c = int64_t(condition_.size());
    Tensor one = Tensor::from_vector<float>(condition_, {1, 1, c});
    return contiguous(expand(one, {1, steps, c}));
  }
  std::shared_ptr<models::TokenRnn> model_;
  std::vector<float> condition_;
  models::TokenRnnState state_;
};

class TransformerStepper : public TokenStepper {
 public:
  explicit TransformerStepper(std::shared_ptr<models::MusicTransformer> m)
      : model_(std::move(m)), window_(model_->config().value("max_length", int64_t(512))) {}
  Tensor prime(std::span<const int32_t> tokens, double) override {
    caches_.clear();
    caches_.resize(size_t(model_->config().value("layers", int64_t(4))));
    for (nn::KVCache& c : caches_) c.reserve(2 * window_);  // it plays on: the window slides
    std::vector<int32_t> prompt(tokens.begin(), tokens.end());
    if (prompt.empty()) prompt.push_back(model_->start_token());
    if (int64_t(prompt.size()) > window_) prompt.erase(prompt.begin(), prompt.end() - window_);
    return last_row(model_->logits_cached(ids_tensor(prompt, model_->device()), caches_));
  }
  Tensor step(int32_t token) override {
    for (nn::KVCache& c : caches_) c.keep_last(window_ - 1);  // the sliding context of MusicTransformer
    return last_row(model_->logits_cached(ids_tensor({&token, 1}, model_->device()), caches_));
  }

 private:
  std::shared_ptr<models::MusicTransformer> model_;
  int64_t window_;
  std::vector<nn::KVCache> caches_;
};

class PerformanceStream : public NoteStream {
 public:
  PerformanceStream(std::unique_ptr<TokenStepper> stepper, std::shared_ptr<models::Model> model)
      : stepper_(std::move(stepper)), model_(std::move(model)) {}

  void start(const StreamRequest& r, Generator& gen) override {
    gen_ = &gen;
    temperature_ = r.temperature;
    end_steps_ = std::max<int64_t>(1, std::llround(r.seconds * PerformanceTokenizer::kStepsPerSecond));
    // A model that never moves the clock must still end: a few tokens per 10 ms step at most.
    max_tokens_ = 4 * end_steps_ + 64;
    tokens_ = 0;
    cursor_ = 0;
    velocity_ = 80;
    open_.fill(false);
    closed_ = false;
    std::vector<int32_t> primer = tokenizer_.encode(r.primer);
    if (primer.size() > kPrimerTokens) primer.erase(primer.begin(), primer.end() - kPrimerTokens);
    NoGradGuard no_grad;
    nn::EvalScope eval(*model_);
    logits_ = stepper_->prime(primer, r.density);
  }

  bool step(std::vector<GenEvent>& out) override {
    if (closed_) return false;
    if (cursor_ >= end_steps_ || tokens_ >= max_tokens_) {
      close(out);
      return false;
    }
    NoGradGuard no_grad;
    nn::EvalScope eval(*model_);
    const auto token = int32_t(sample_logits(logits_, temperature_, 0, 1.0, gen_).item<int64_t>());
    ++tokens_;
    decode(token, out);
    logits_ = stepper_->step(token);
    return true;
  }

 private:
  double now() const { return double(cursor_) / PerformanceTokenizer::kStepsPerSecond; }

  void decode(int32_t t, std::vector<GenEvent>& out) {
    if (t < PerformanceTokenizer::kNoteOff) {
      if (open_[size_t(t)]) out.push_back({now(), false, uint8_t(t), 0});  // re-strike: end the old one first
      out.push_back({now(), true, uint8_t(t), uint8_t(velocity_)});
      open_[size_t(t)] = true;
    } else if (t < PerformanceTokenizer::kTimeShift) {
      const int pitch = t - PerformanceTokenizer::kNoteOff;
      if (open_[size_t(pitch)]) out.push_back({now(), false, uint8_t(pitch), 0});
      open_[size_t(pitch)] = false;
    } else if (t < PerformanceTokenizer::kVelocity) {
      cursor_ += t - PerformanceTokenizer::kTimeShift + 1;
    } else {
      velocity_ = std::max(
          1, music::repr::bin_to_velocity(t - PerformanceTokenizer::kVelocity, PerformanceTokenizer::kVelocityBins));
    }
  }

  void close(std::vector<GenEvent>& out) {
    for (int p = 0; p < 128; ++p)
      if (open_[size_t(p)]) out.push_back({now(), false, uint8_t(p), 0});
    open_.fill(false);
    closed_ = true;
  }

  std::unique_ptr<TokenStepper> stepper_;
  std::shared_ptr<models::Model> model_;
  PerformanceTokenizer tokenizer_;
  Generator* gen_ = nullptr;
  Tensor logits_;
  int64_t end_steps_ = 0, max_tokens_ = 0, tokens_ = 0, cursor_ = 0;
  int velocity_ = 80;
  std::array<bool, 128> open_{};
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<NoteStream> make_performance_stream(const std::shared_ptr<models::Model>& model) {
  if (model->tokenizer() != "performance") return nullptr;
  if (auto rnn = std::dynamic_pointer_cast<models::TokenRnn>(model))
    return std::make_unique<PerformanceStream>(std::make_unique<RnnStepper>(rnn), model);
  if (auto mt = std::dynamic_pointer_cast<models::MusicTransformer>(model))
    return std::make_unique<PerformanceStream>(std::make_unique<TransformerStepper>(mt), model);
  return nullptr;
}

}  // namespace cadenza::live
