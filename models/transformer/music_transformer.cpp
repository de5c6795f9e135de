#include "models/transformer/music_transformer.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/common/config_read.h"
#include "models/common/sample_checks.h"
#include "music/repr/bpe.h"
#include "music/repr/performance.h"
#include "music/repr/remi.h"
#include "music/repr/tokenizer_spec.h"
#include "nn/init.h"
#include "ops/binary.h"
#include "ops/copy.h"
#include "ops/loss.h"
#include "ops/matmul.h"
#include "ops/reduce.h"
#include "ops/sampling.h"
#include "ops/view.h"

namespace cadenza::models {

// ---- config

MusicTransformerConfig MusicTransformerConfig::from_json(const nlohmann::json& j) {
  static const char* kModel = "music_transformer";
  CADENZA_CHECK(j.is_object(), "music_transformer: config must be a JSON object, got {}", j.dump());
  MusicTransformerConfig c;
  const nlohmann::json known = c.to_json();
  std::vector<std::string> names;
  for (const auto& [key, _] : known.items()) names.push_back(key);
  for (const auto& [key, _] : j.items())
    CADENZA_CHECK(known.contains(key), "music_transformer: unknown config key '{}' (known: {})", key,
                  fmt::join(names, ", "));
  if (j.contains("tokenizer")) {
    const nlohmann::json& t = j["tokenizer"];
    if (t.is_object()) {
      try {
        music::repr::BpeTokenizer::from_json(t);
      } catch (const std::invalid_argument& e) {
        fail("music_transformer: config key 'tokenizer': {}", e.what());
      }
    } else {
      CADENZA_CHECK(t == "performance" || t == "remi",
                    "music_transformer: config key 'tokenizer' must be \"performance\", \"remi\" or a BPE tokenizer "
                    "object, got {}",
                    t.dump().substr(0, 80));
    }
    c.tokenizer = t;
  }
  c.layers = config_int(j, kModel, "layers", c.layers, 1);
  c.d_model = config_int(j, kModel, "d_model", c.d_model, 1);
  c.heads = config_int(j, kModel, "heads", c.heads, 1);
  c.d_ff = config_int(j, kModel, "d_ff", c.d_ff, 1);
  c.max_relative_position = config_int(j, kModel, "max_relative_position", c.max_relative_position, 1);
  c.max_length = config_int(j, kModel, "max_length", c.max_length, 1);
  c.dropout = config_real(j, kModel, "dropout", c.dropout, 0, 1);
  c.tie_embeddings = config_bool(j, kModel, "tie_embeddings", c.tie_embeddings);
  CADENZA_CHECK(c.d_model % c.heads == 0, "music_transformer: d_model {} is not divisible by heads {}", c.d_model,
                c.heads);
  return c;
}

nlohmann::json MusicTransformerConfig::to_json() const {
  return {{"tokenizer", tokenizer},   {"layers", layers},   {"d_model", d_model},
          {"heads", heads},           {"d_ff", d_ff},       {"max_relative_position", max_relative_position},
          {"max_length", max_length}, {"dropout", dropout}, {"tie_embeddings", tie_embeddings}};
}

// ---- model

MusicTransformer::MusicTransformer(const MusicTransformerConfig& config, Generator& gen)
    : config_(config), tok_(music::repr::tokenizer_from_spec(config.tokenizer)), vocab_(tok_->vocab_size()) {
  const int64_t d = config.d_model;
  embedding_ = register_module("embedding", std::make_shared<nn::Embedding>(vocab_, d, gen));
  // tensor2tensor: N(0, d^-1/2), scaled back up by sqrt(d) in embed(), so inputs start at unit scale.
  nn::init::normal_(embedding_->weight, 0, 1 / std::sqrt(double(d)), gen);
  dropout_ = register_module("dropout", std::make_shared<nn::Dropout>(config.dropout));
  nn::DecoderBlockOptions block{.dropout = config.dropout, .max_relative_position = config.max_relative_position};
  for (int64_t i = 0; i < config.layers; ++i)
    blocks_.push_back(register_module(fmt::format("layer{}", i), std::make_shared<nn::TransformerDecoderBlock>(
                                                                     d, config.heads, config.d_ff, block, gen)));
  norm_ = register_module("norm", std::make_shared<nn::LayerNorm>(Shape{d}));
  if (!config.tie_embeddings) output_ = register_module("output", std::make_shared<nn::Linear>(d, vocab_, true, gen));
}

Tensor MusicTransformer::embed(const Tensor& tokens) const {
  CADENZA_CHECK(tokens.dim() == 2 && (tokens.dtype() == DType::i64 || tokens.dtype() == DType::i32),
                "music_transformer: tokens {} must be integer [B, T]", shape_str(tokens.shape()));
  return dropout_->forward(mul(embedding_->forward(tokens), std::sqrt(double(config_.d_model))));
}

Tensor MusicTransformer::project_out(const Tensor& h) const {
  Tensor n = norm_->forward(h);
  return output_ ? output_->forward(n) : matmul(n, embedding_->weight, false, true);
}

Tensor MusicTransformer::logits(const Tensor& tokens) const {
  Tensor h = embed(tokens);
  for (const auto& b : blocks_) h = b->forward(h);
  return project_out(h);
}

Tensor MusicTransformer::logits_cached(const Tensor& tokens, std::vector<nn::KVCache>& caches) const {
  CADENZA_CHECK(caches.size() == blocks_.size(), "music_transformer: {} caches for {} layers", caches.size(),
                blocks_.size());
  Tensor h = embed(tokens);
  for (size_t i = 0; i < blocks_.size(); ++i) h = blocks_[i]->forward_cached(h, caches[i]);
  return project_out(h);
}

LossResult MusicTransformer::loss(const Batch& batch) {
  Tensor lg = forward(batch);
  LossResult r;
  r.loss = cross_entropy(lg, batch.targets);
  NoGradGuard no_grad;
  Tensor counted = ne(batch.targets, -100.0);
  r.steps = sum(counted).item<double>();
  r.nll_sum = r.loss.item<double>() * r.steps;
  r.correct = sum(mul(counted, eq(argmax(lg.detach(), -1), batch.targets))).item<double>();
  return r;
}

int32_t MusicTransformer::start_token() const {
  using music::repr::PerformanceTokenizer;
  // A BPE tokenizer keeps its base's ids, so the base's start token serves it too.
  const auto* bpe = dynamic_cast<const music::repr::BpeTokenizer*>(tok_.get());
  if ((bpe ? bpe->base() : *tok_).name() == "remi") return music::repr::RemiTokenizer::kBar;
  return PerformanceTokenizer::kVelocity + music::repr::velocity_to_bin(64, PerformanceTokenizer::kVelocityBins);
}

namespace {

// The shared checks, plus what this model does not offer.
void check_options(const SampleOptions& o) {
  check_sample_options(o, "music_transformer");
  CADENZA_CHECK(o.beam == 1, "music_transformer: beam search is not supported (beam must be 1), got {}", o.beam);
  CADENZA_CHECK(o.controls.is_null() || o.controls.empty(), "music_transformer: takes no controls, got {}",
                o.controls.dump());
}

// The prompt is built on the host and uploaded next to the model (one small copy per call).
Tensor as_tensor(std::span<const int32_t> tokens, Device device) {
  return to(Tensor::from_vector<int64_t>(std::vector<int64_t>(tokens.begin(), tokens.end()),
                                         {1, static_cast<int64_t>(tokens.size())}),
            device);
}

}  // namespace

std::vector<int32_t> MusicTransformer::generate(std::vector<int32_t> tokens, const SampleOptions& options,
                                                Generator& gen, Decoding decoding, std::vector<int64_t>* call_lengths) {
  check_options(options);
  CADENZA_CHECK(!tokens.empty(), "music_transformer: generate needs at least one prompt token");
  music::repr::check_tokens(tokens, static_cast<int32_t>(vocab_), tok_->name());
  NoGradGuard no_grad;
  nn::EvalScope eval_mode(*this);
  const int64_t window = config_.max_length;
  std::vector<nn::KVCache> caches(blocks_.size());
  // Room for every position at once, or for a window that slides.
  const int64_t positions = std::min<int64_t>(int64_t(tokens.size()), window) + options.length;
  for (auto& c : caches) c.reserve(positions <= window ? positions : 2 * window);

  // Logits [1, V] of the token after the last one fed.
  auto call = [&](std::span<const int32_t> in, bool cached) {
    if (call_lengths) call_lengths->push_back(static_cast<int64_t>(in.size()));
    const Tensor ids = as_tensor(in, device());
    Tensor lg = cached ? logits_cached(ids, caches) : logits(ids);
    return reshape(narrow(lg, 1, lg.size(1) - 1, 1), {1, vocab_});
  };
  auto last_window = [&] {
    const size_t n = std::min<size_t>(tokens.size(), static_cast<size_t>(window));
    return std::span<const int32_t>(tokens).last(n);
  };

  Tensor next = call(last_window(), decoding == Decoding::cached);
  for (int64_t step = 0; step < options.length; ++step) {
    const auto token = static_cast<int32_t>(
        sample_logits(next, options.temperature, options.top_k, options.top_p, &gen).item<int64_t>());
    tokens.push_back(token);
    if (step + 1 == options.length) break;
    if (decoding == Decoding::recompute) {
      next = call(last_window(), false);
      continue;
    }
    for (auto& c : caches) c.keep_last(window - 1);  // slide: see the header
    next = call(std::span<const int32_t>(&tokens.back(), 1), true);
  }
  return tokens;
}

music::Score MusicTransformer::sample(const SampleOptions& options, Generator& gen) {
  check_options(options);
  std::vector<int32_t> prompt;
  if (options.primer) prompt = tok_->encode(*options.primer);
  if (prompt.empty()) prompt.push_back(start_token());
  std::vector<int32_t> tokens = generate(std::move(prompt), options, gen);
  return tok_->decode(tokens);
}

}  // namespace cadenza::models
