#pragma once
// Music Transformer (Huang et al. 2018): a decoder-only Transformer with learned relative
// position embeddings (memory-efficient skewing, ops/attention.h) over event tokens
// ("performance", 388 events, or "remi", or a BPE tokenizer over either):
//   embedding * sqrt(d_model)  ->  dropout  ->  N pre-norm decoder blocks  ->  LayerNorm
//   ->  output projection (its own Linear, or the embedding transposed when tied).
// The embedding is initialised N(0, d_model^-1/2) and scaled by sqrt(d_model), as
// tensor2tensor's symbol modality (multiply_embedding_mode "sqrt_depth"). There is no
// absolute position signal: relative attention alone tells positions apart, so the model
// reads any window of a longer piece the same way.
//
// Sampling feeds the primer once, then one token per step through a key/value cache per
// layer (nn::KVCache), which equals recomputing the whole prefix. Beyond max_length tokens
// the context slides: each layer's cache keeps its newest max_length - 1 positions before a
// step appends one, so attention spans at most max_length tokens. The kept keys and values
// were computed while the dropped tokens were still visible (as Transformer-XL's memory),
// so past max_length this differs from recomputing the window from scratch, at O(max_length)
// cost per token instead of O(max_length^2).
#include <memory>
#include <vector>

#include "models/model.h"
#include "music/repr/tokenizer.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/norm.h"
#include "nn/transformer.h"

namespace cadenza::models {

struct MusicTransformerConfig {
  // "performance", "remi", or a BPE tokenizer over either (its whole object, music/repr/bpe.h,
  // so that a checkpoint needs no other file).
  nlohmann::json tokenizer = "performance";
  int64_t layers = 4;
  int64_t d_model = 128;
  int64_t heads = 4;
  int64_t d_ff = 512;
  int64_t max_relative_position = 256;  // learned distances 0 .. this - 1; farther ones share a zero embedding
  int64_t max_length = 512;             // sampling context (tokens); longer contexts slide
  double dropout = 0.1;
  bool tie_embeddings = false;

  // Rejects unknown keys and nonsense values, naming the key.
  static MusicTransformerConfig from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

class MusicTransformer : public Model {
 public:
  explicit MusicTransformer(const MusicTransformerConfig& config, Generator& gen = default_generator());

  std::string name() const override { return "music_transformer"; }
  nlohmann::json config() const override { return config_.to_json(); }
  std::string tokenizer() const override { return tok_->name(); }
  nlohmann::json tokenizer_spec() const override { return config_.tokenizer; }
  int64_t vocab_size() const { return vocab_; }

  // inputs i64 [B, T] (right-padded with any valid token; causal attention never lets a
  // real position see the padding after it) -> logits [B, T, V].
  Tensor forward(const Batch& batch) override { return logits(batch.inputs); }
  // Cross-entropy over the targets that are not -100.
  LossResult loss(const Batch& batch) override;
  // Validates the options (one clear error), encodes the primer (or starts from
  // start_token() without one), continues it by options.length tokens and decodes.
  music::Score sample(const SampleOptions& options, Generator& gen) override;

  Tensor logits(const Tensor& tokens) const;
  // tokens i64 [B, L]: the L positions after those held in `caches` (one per layer, which
  // this extends) -> their logits [B, L, V], equal to the last L rows of logits(prefix + tokens).
  Tensor logits_cached(const Tensor& tokens, std::vector<nn::KVCache>& caches) const;

  enum class Decoding { cached, recompute };
  // `prompt` (non-empty, valid tokens) followed by options.length sampled tokens. `recompute`
  // runs the whole window for every token (the reference the cache must match). If
  // `call_lengths` is given, it receives the number of tokens fed to each model call.
  std::vector<int32_t> generate(std::vector<int32_t> prompt, const SampleOptions& options, Generator& gen,
                                Decoding decoding = Decoding::cached, std::vector<int64_t>* call_lengths = nullptr);
  // The token a primer-less sample starts from (kept in the output): REMI's BAR, or the
  // performance VELOCITY event of velocity 64; both decode to no sound.
  int32_t start_token() const;

 private:
  Tensor embed(const Tensor& tokens) const;
  Tensor project_out(const Tensor& h) const;  // final norm + output projection

  MusicTransformerConfig config_;
  std::unique_ptr<music::repr::Tokenizer> tok_;
  int64_t vocab_;
  std::shared_ptr<nn::Embedding> embedding_;
  std::shared_ptr<nn::Dropout> dropout_;
  std::vector<std::shared_ptr<nn::TransformerDecoderBlock>> blocks_;
  std::shared_ptr<nn::LayerNorm> norm_;
  std::shared_ptr<nn::Linear> output_;  // null when tied
};

}  // namespace cadenza::models
