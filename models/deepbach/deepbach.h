#pragma once
// deepbach: four-voice chorales in the manner of DeepBach (Hadjeres, Pachet & Nielsen,
// "DeepBach: a Steerable Model for Bach Chorales Generation", ICML 2017), on the
// SATB-separated JSB chorales (Jsb16thSeparated.json, 16th-note grid; encoding in
// chorale_grid.h).
//
// One network per voice v (four independent networks, as in the paper) models
// p(x_v(t) | every other cell within ±W steps): each voice's note embeddings and the
// metadata embeddings (bar position, fermata) of the W past steps feed a forward LSTM,
// those of the W future steps, read from the far end back towards t, a second LSTM; the
// other three voices at t plus t's metadata go through an MLP (Linear-ReLU-Linear to the
// LSTM width); the three summaries are concatenated and a Linear-ReLU-Linear MLP gives
// the logits over voice v's classes (rest, hold, its pitches). Windows reaching past
// the chorale read kStart / kEnd tokens, as DeepBach's padding does.
//
// Batch layout (its own source, chorale_source.h; chorale_batch.h builds them):
//   inputs    i64 [B, 2W+1, 4]: the tokens of the window, centre (the predicted step) at W
//   condition f32 [B, 2W+1, 2]: metadata per window step, (bar position 0..15, fermata 0/1)
//   targets   i64 [B, 4]: the centre's class per voice (token - kPadTokens), -100 = skip
//   mask      f32 [B, 4]: 1 where the cell counts (undefined: every non-skipped cell)
// The cell's own token at the centre is in `inputs` but never read by its voice's network.
// forward(): logits [B, 4, C] with C the largest class count; a voice's missing classes
// are -1e9 (probability 0). loss(): mean cross-entropy in nats per counted voice-step;
// `steps` counts voice-steps, `correct` argmax hits.
//
// Config keys: window (W, steps each side), note_embed, meta_embed, lstm_hidden,
// lstm_layers, dense (the MLPs' hidden width), dropout (between LSTM layers), ranges
// ([[lo, hi] x 4], the voices' pitch ranges; default jsb_voice_ranges()).
#include <array>
#include <nlohmann/json.hpp>

#include "models/deepbach/chorale_grid.h"
#include "models/harmonizer.h"
#include "models/model.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/rnn.h"

namespace cadenza::models::deepbach {

struct DeepBachConfig {
  int64_t window = 16, note_embed = 20, meta_embed = 20, lstm_hidden = 200, lstm_layers = 2, dense = 200;
  double dropout = 0.5;
  VoiceRanges ranges = jsb_voice_ranges();
};

// One voice's conditional p(x_v(t) | context).
class VoiceNet : public nn::Module {
 public:
  VoiceNet(int voice, const DeepBachConfig& c);
  // tokens i64 [B, 2W+1, 4], meta i64 [B, 2W+1, 2] -> logits [B, classes of the voice].
  Tensor forward(const Tensor& tokens, const Tensor& meta);

 private:
  int voice_;
  int64_t window_;
  std::array<std::shared_ptr<nn::Embedding>, kVoices> notes_;
  std::shared_ptr<nn::Embedding> position_, fermata_;
  std::shared_ptr<nn::LSTM> past_, future_;
  std::shared_ptr<nn::Linear> centre_in_, centre_out_, merge_in_, merge_out_;
};

class DeepBach : public Harmonizer {
 public:
  explicit DeepBach(const nlohmann::json& config);
  std::string name() const override { return "deepbach"; }
  nlohmann::json config() const override { return json_; }
  Tensor forward(const Batch& batch) override;
  LossResult loss(const Batch& batch) override;
  // A chorale of `length` 16th steps (after the primer, which stays fixed) by
  // pseudo-Gibbs sampling from random notes (gibbs.h). options.temperature is the final
  // temperature; controls: {"iterations": N (default: kRedrawsPerCell x the free cells),
  // "cells_per_voice": K (default HarmonizeOptions's, 8), "start_temperature": T0 (default 1.5)}. top-k,
  // top-p and beam are rejected.
  music::Score sample(const SampleOptions& options, Generator& gen) override;

  // Logits [B, classes of voice v] of a batch's inputs and condition.
  Tensor voice_logits(int v, const Batch& batch);
  // Summed NLL (nats), counted cells and argmax hits per voice and per kind of target
  // cell, for the per-voice evaluation. Most cells hold the note before them, so the
  // NLL over all cells hides how well the network chooses a pitch: that is the onsets'.
  enum CellKind { kRestCell, kHoldCell, kOnsetCell, kCellKinds };
  struct VoiceNll {
    std::array<double, kVoices> nll_sum{}, cells{};
    std::array<std::array<double, kCellKinds>, kVoices> kind_nll{}, kind_cells{}, kind_correct{};
    void add(const VoiceNll& other);
  };
  VoiceNll voice_nll(const Batch& batch);

  const DeepBachConfig& settings() const { return cfg_; }

  // Harmonizer, by pseudo-Gibbs sampling (gibbs.h): the iterations default to about
  // kRedrawsPerCell redraws of every free cell, annealed from max(1.5, temperature).
  std::vector<std::string> voice_names() const override;
  music::Score harmonize(const music::Score& melody, const std::vector<int>& voices,
                         const HarmonizeOptions& options) override;
  music::Score infill(const music::Score& chorale, double from_beat, double to_beat,
                      const HarmonizeOptions& options) override;

 private:
  std::array<Tensor, kVoices> voice_step_nll(const Batch& batch, std::array<Tensor, kVoices>* logits);

  DeepBachConfig cfg_;
  nlohmann::json json_;
  std::array<std::shared_ptr<VoiceNet>, kVoices> nets_;
};

// The preset configs: "small" (trains in minutes on 2 cores) and "paper".
nlohmann::json deepbach_preset(const std::string& preset);

}  // namespace cadenza::models::deepbach
