#pragma once
// musegan: MuseGAN (Dong et al. 2018, salu133445/musegan) on multi-track piano-roll bars
// [B, tracks, bars, steps, pitches] in [0, 1] (default 5 × 4 × 48 × 84: MuseGAN's
// Drums, Piano, Guitar, Bass, Strings; 12 steps per quarter; pitches 24..107 = C1..B7).
//
// Generator. Per bar, a track's bar generator reads a latent made of
//   jamming:  private z_i (whole piece) ‖ private temporal G_temp,i(z_i,t)[bar]
//   composer: shared z ‖ shared temporal G_temp(z_t)[bar]; one generator, tracks as channels
//   hybrid:   z ‖ G_temp(z_t)[bar] ‖ z_i ‖ G_temp,i(z_i,t)[bar]
// Temporal network (ours, simpler than the paper's transposed convolutions): dense ->
// BN -> ReLU -> dense to bars × z_dim. Bar generator as in MuseGAN's: dense ->
// [C, steps/16, pitches/12] then transposed 2-D convs over (time, pitch): ×4 time, ×4 time,
// ×12 pitch (one octave per kernel), BatchNorm + ReLU between, sigmoid output.
// Critic: 3-D convs over (bar, step, pitch) with the tracks as channels: octave kernel
// (1, 1, 12) stride 12, then (1, 4, 1) twice with stride 4, LeakyReLU 0.2, no
// normalisation (WGAN-GP), dense to one score.
//
// Data: its own source (bars_source.h), batch.inputs = real bars f32 [B, tracks, bars, steps, pitches]
// (models/data.h builds them from a folder of multitrack MIDI with musegan_data.h).
// Model::forward(batch) gives the critic's scores [B] of batch.inputs; Model::loss(batch)
// is mean D(fake) − mean D(real) against fresh generator samples — the critic loss
// without its gradient penalty, so that validation runs without autograd (the trainer's
// valid column is then minus the critic's Wasserstein estimate; nll_sum / steps are that
// loss × B / B). Training uses GanStep (gan_step.h) through make_train_step.
#include <memory>
#include <nlohmann/json.hpp>

#include "models/model.h"
#include "music/repr/piano_roll.h"
#include "nn/conv.h"
#include "nn/linear.h"
#include "nn/norm.h"

namespace cadenza::models {

struct MuseGanConfig {
  std::string mode = "hybrid";  // jamming | composer | hybrid
  int64_t tracks = 5, bars = 4, steps = 48, pitches = 84, lowest_pitch = 24;
  int64_t z_dim = 32;  // each latent part
  int64_t g_channels = 256, d_channels = 128, temporal_hidden = 256;
  double gp_lambda = 10;
  int64_t critic_steps = 5;
};

MuseGanConfig read_musegan_config(const nlohmann::json& config);
nlohmann::json musegan_config_json(const MuseGanConfig& c);

// Bars [N, tracks, bars, steps, pitches] binarised at 0.5 -> one piano roll of the N
// phrases back to back (MuseGAN's named GM tracks, 12 steps per quarter for 48-step bars),
// with an onset at every phrase start so that no note runs from one phrase into the next.
music::repr::PianoRoll musegan_roll(const Tensor& bars, const MuseGanConfig& c);

// The random inputs of one batch; parts a mode does not use stay undefined.
struct MuseGanNoise {
  Tensor shared, shared_temporal;     // [B, Z]
  Tensor private_, private_temporal;  // [B, tracks, Z]
};

class BarGenerator;
class TemporalNetwork;

class MuseGan : public Model {
 public:
  MuseGan(MuseGanConfig config, nlohmann::json json = nlohmann::json::object());
  std::string name() const override { return "musegan"; }
  nlohmann::json config() const override { return json_; }
  Tensor forward(const Batch& batch) override;  // critic scores [B]
  LossResult loss(const Batch& batch) override;
  // One piece: the generator's bars binarised at 0.5, as a 5-track Score (drums on
  // channel 10) through music::repr's piano roll. Length and sampling options are fixed
  // by the architecture; only the generator is used.
  music::Score sample(const SampleOptions& options, Generator& gen) override;
  std::unique_ptr<TrainStep> make_train_step(const TrainOptions& options) override;  // GanStep

  const MuseGanConfig& gan_config() const { return cfg_; }
  MuseGanNoise noise(int64_t batch, Generator* gen = nullptr) const;
  // Per generator (tracks in jamming/hybrid, 1 in composer): [B, bars, latent width].
  std::vector<Tensor> bar_latents(const MuseGanNoise& n);
  Tensor generate(const MuseGanNoise& n);  // [B, tracks, bars, steps, pitches] in (0, 1)
  Tensor critic(const Tensor& x);          // [B, tracks, bars, steps, pitches] -> [B]
  Tensor critic_loss(const Tensor& real, Generator* gen = nullptr);
  Tensor generator_loss(int64_t batch, Generator* gen = nullptr);
  std::vector<Tensor> generator_parameters() const;
  std::vector<Tensor> critic_parameters() const;
  // Piano-roll bars [tracks, bars, steps, pitches] (binarised at 0.5) -> a Score.
  music::Score to_score(const Tensor& bars) const;

 private:
  MuseGanConfig cfg_;
  nlohmann::json json_;
  bool shared_, private_;                                    // which latent parts the mode uses
  std::shared_ptr<TemporalNetwork> temporal_;                // shared
  std::vector<std::shared_ptr<TemporalNetwork>> temporals_;  // private, per track
  std::vector<std::shared_ptr<BarGenerator>> generators_;
  std::vector<std::shared_ptr<nn::Conv3d>> d_convs_;
  std::shared_ptr<nn::Linear> d_out_;
};

}  // namespace cadenza::models
