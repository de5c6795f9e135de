#pragma once
// music_vae: MusicVAE (Roberts et al. 2018; Magenta's magenta/models/music_vae) on our
// "melody" tokens. A bidirectional LSTM encoder reads the one-hot sequence; its last
// layer's final forward and backward h give mu = dense(h) and sigma = softplus(dense(h))
// (Magenta's BidirectionalLstmEncoder + MusicVAE.encode). The decoder is either
//   flat (cat-mel_2bar): one SegmentDecoder over the whole sequence with e = z, or
//   hierarchical (hierdec-mel_16bar): a conductor LSTM, its state tanh(dense(z)) and its
//   inputs zeros, emits one embedding per bar; each bar is decoded by a SegmentDecoder
//   started from that embedding (Magenta's HierarchicalLstmDecoder, level_lengths
//   [bars, steps_per_bar]); teacher-forced inputs are shifted over the whole sequence, so
//   bar j starts from the last token of bar j − 1 (unless not autoregressive).
//
// Vocabulary: Magenta's OneHotMelodyConverter has 90 classes (NO_EVENT, NOTE_OFF and
// pitches 21..108); ours is music::repr's 38-class "melody" (pitches 48..83, other pitches
// moved by octaves into range), the same as melody_rnn, so the two share corpora.
//
// Trios (tokenizer "trio", hierdec-trio_16bar): a step's token packs melody, bass and drums
// (music/repr/trio.h: 38 + 38 + 512 classes). The encoder reads the concatenation of the
// three one-hots; the decoder has one SegmentDecoder per part, all started from the same
// embedding (z, or the conductor's bar embedding), each reading its own part's previous
// token and predicting its own part (Magenta's SplitMultiOutLstmDecoder). The logits are
// the parts' logits concatenated, [B, T, 588]; a step's NLL is the sum of the parts'
// cross-entropies, so "per token" means per trio step (all three parts). The accuracy is
// the mean of the parts' accuracies; loss_terms() gives each part's. Data: its own
// source (trio_source.h), windows of whole bars in which all three play.
//
// Batch: the sequence to reconstruct is batch.targets (i64 [B, T], -100 = padding, which
// the encoder sees as an all-zero input); batch.inputs is not read, so a trainer may build
// it either way. The hierarchical decoder pads a T that is not whole bars (the end of a
// piece) with masked steps.
// Loss (LossResult.loss) = [Σ_b r_b + β Σ_b max(KL_b − free nats, 0)] / counted tokens:
// Magenta's loss divided by the tokens per sequence, so that nll_sum / steps stays nats
// per token. β = (1 − beta_rate^step) · max_beta and the scheduled-sampling probability
// follow the buffer "global_step", which counts loss() calls in training mode with grad
// enabled (it is saved with the state, so a resumed run continues its schedules).
// In training z = mu + sigma · ε; in evaluation mode z = mu (deterministic reconstruction
// accuracy; the reported KL is still the posterior's).
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "models/latent_model.h"
#include "models/model.h"
#include "models/vae/segment_decoder.h"
#include "music/repr/tokenizer.h"

namespace cadenza::models {

struct MusicVaeConfig {
  std::string tokenizer = "melody";           // or "trio" (melody, bass, drums)
  int64_t enc_hidden = 2048, enc_layers = 1;  // per direction
  int64_t z_size = 512;
  int64_t dec_hidden = 2048, dec_layers = 3;  // the (bar) decoder
  bool hierarchical = false;
  int64_t conductor_hidden = 1024, conductor_layers = 2;
  bool autoregressive = true;            // false: Magenta's disable_autoregression
  int64_t bars = 2, steps_per_bar = 16;  // the segment length (T = bars · steps_per_bar)
  double free_bits = 0, max_beta = 0.5, beta_rate = 0.99999;
  std::string sampling_schedule = "constant";
  double sampling_rate = 0;
};

MusicVaeConfig read_music_vae_config(const nlohmann::json& config);
nlohmann::json music_vae_config_json(const MusicVaeConfig& c);

class MusicVae : public LatentModel {
 public:
  // `json`: the config it was made from (extra keys such as "train" are kept in config()).
  explicit MusicVae(MusicVaeConfig config, nlohmann::json json = nlohmann::json::object());
  std::string name() const override { return "music_vae"; }
  nlohmann::json config() const override { return json_; }
  std::string tokenizer() const override { return cfg_.tokenizer; }
  Tensor forward(const Batch& batch) override;  // teacher-forced logits [B, T, V]
  LossResult loss(const Batch& batch) override { return loss_terms(batch).result; }

  // loss() with what evaluation reports besides: per part (parts()), the NLL (nats) and
  // the teacher-forced argmax hits summed over counted steps, and the posterior.
  struct Terms {
    LossResult result;
    std::vector<double> part_nll, part_correct;
    Tensor mu, sigma;
  };
  Terms loss_terms(const Batch& batch);
  // The parts of a step's token, each with its own decoder: one ("melody"), or a trio's
  // melody, bass and drums.
  const std::vector<music::repr::TokenPart>& parts() const { return parts_; }
  // A token's part classes (-100, padding, in every part for a negative token).
  std::vector<int32_t> part_classes(int64_t token) const;
  // A draw z ~ N(0, I) decoded to options.length tokens (the model is trained on
  // segment_length(); the hierarchical decoder runs ceil(length / steps_per_bar) bars).
  // With a primer, z is drawn from the primer's posterior instead (a variation of its
  // first segment; the primer is not repeated). top_k / top_p apply; beam must be 1.
  music::Score sample(const SampleOptions& options, Generator& gen) override;

  // tokens i64 [B, T] -> mu, sigma [B, Z].
  std::pair<Tensor, Tensor> encode(const Tensor& tokens) override;
  // z [B, Z] -> B token sequences of `length` (temperature 0: argmax at each step).
  std::vector<std::vector<int32_t>> decode(const Tensor& z, int64_t length, double temperature,
                                           Generator& gen) override;
  // Greedy decode of the posterior means.
  std::vector<std::vector<int32_t>> reconstruct(const Tensor& tokens);
  // `steps` >= 2 sequences from a to b (both [T] token lists of one length): slerp between
  // their posterior means at t = i / (steps − 1), each decoded to T tokens.
  std::vector<std::vector<int32_t>> interpolate(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                                int64_t steps, double temperature, Generator& gen);
  // Score-level helpers for the command line: a score's first segment_length() tokens
  // (shorter ones padded with token 0, a rest in every part), and the interpolation as one
  // score with the steps one after another, each closed by a step that ends every note.
  int64_t segment_length() const override { return cfg_.bars * cfg_.steps_per_bar; }
  std::vector<int32_t> segment_tokens(const music::Score& score) const override;
  music::Score interpolate(const music::Score& a, const music::Score& b, int64_t steps, double temperature,
                           Generator& gen) override;

  int64_t global_step() const;
  double beta() const;                  // at the current global step
  double sampling_probability() const;  // at the current global step

 private:
  // tokens [B, T] (negative -> zeros) -> the parts' one-hots side by side [B, T, Σ classes].
  Tensor one_hot_tokens(const Tensor& tokens) const;
  // tokens [B, T] -> each part's classes [B, T] (-100 where the token is negative).
  std::vector<Tensor> part_targets(const Tensor& tokens) const;
  // [B, T] padded with `value` to whole bars (hierarchical decoder only).
  Tensor whole_bars(const Tensor& t, double value) const;
  // The embeddings the segments start from: {z} (flat), or the conductor's per bar.
  std::vector<Tensor> segment_embeddings(const Tensor& z, int64_t segments);
  Tensor sample_z(const Tensor& mu, const Tensor& sigma) const;
  Tensor decode_teacher(const Tensor& z, const Tensor& targets);

  MusicVaeConfig cfg_;
  nlohmann::json json_;
  std::unique_ptr<music::repr::Tokenizer> tok_;
  std::vector<music::repr::TokenPart> parts_;
  std::vector<int64_t> part_offset_;  // of each part's one-hot in the concatenation
  int64_t width_;                     // Σ part classes
  int32_t end_token_;                 // ends every part's note (interpolate)
  Tensor step_;                       // i64 [1], the global step
  std::shared_ptr<nn::LSTM> encoder_;
  std::shared_ptr<nn::Linear> mu_, sigma_;
  std::shared_ptr<nn::Linear> conductor_init_;  // hierarchical only
  std::shared_ptr<nn::LSTM> conductor_;
  std::vector<std::shared_ptr<vae::SegmentDecoder>> decoders_;  // one per part
};

}  // namespace cadenza::models
