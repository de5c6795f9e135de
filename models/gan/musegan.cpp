#include "models/gan/musegan.h"

#include "engine/autograd.h"
#include "engine/error.h"
#include "models/common/config_read.h"
#include "models/gan/bars_source.h"
#include "models/gan/musegan_eval.h"
#include "models/gan/wgan_gp.h"
#include "models/registry.h"
#include "music/repr/piano_roll.h"
#include "ops/ops.h"

namespace cadenza::models {

// z [B, Z] -> per-bar latents [B, bars, Z].
class TemporalNetwork : public nn::Module {
 public:
  TemporalNetwork(int64_t z, int64_t hidden, int64_t bars) : z_(z), bars_(bars) {
    in_ = register_module("in", std::make_shared<nn::Linear>(z, hidden));
    bn_ = register_module("bn", std::make_shared<nn::BatchNorm1d>(hidden));
    out_ = register_module("out", std::make_shared<nn::Linear>(hidden, bars * z));
  }
  Tensor forward(const Tensor& z) {
    return reshape(out_->forward(relu(bn_->forward(in_->forward(z)))), {z.size(0), bars_, z_});
  }

 private:
  int64_t z_, bars_;
  std::shared_ptr<nn::Linear> in_;
  std::shared_ptr<nn::BatchNorm1d> bn_;
  std::shared_ptr<nn::Linear> out_;
};

// Latents [N, in] -> bars [N, out_channels, steps, pitches] in (0, 1).
class BarGenerator : public nn::Module {
 public:
  BarGenerator(int64_t in, int64_t channels, int64_t steps, int64_t pitches, int64_t out_channels)
      : c_(channels), t0_(steps / 16), p0_(pitches / 12) {
    dense_ = register_module("dense", std::make_shared<nn::Linear>(in, channels * t0_ * p0_));
    bn0_ = register_module("bn0", std::make_shared<nn::BatchNorm2d>(channels));
    const ConvTransposeOptions time4{.stride = {4, 1}}, octave{.stride = {1, 12}};
    up1_ = register_module("up1", std::make_shared<nn::ConvTranspose2d>(channels, channels / 2, Shape{4, 1}, time4));
    bn1_ = register_module("bn1", std::make_shared<nn::BatchNorm2d>(channels / 2));
    up2_ =
        register_module("up2", std::make_shared<nn::ConvTranspose2d>(channels / 2, channels / 4, Shape{4, 1}, time4));
    bn2_ = register_module("bn2", std::make_shared<nn::BatchNorm2d>(channels / 4));
    up3_ =
        register_module("up3", std::make_shared<nn::ConvTranspose2d>(channels / 4, out_channels, Shape{1, 12}, octave));
  }
  Tensor forward(const Tensor& z) {
    Tensor x = reshape(dense_->forward(z), {z.size(0), c_, t0_, p0_});
    x = relu(bn0_->forward(x));
    x = relu(bn1_->forward(up1_->forward(x)));
    x = relu(bn2_->forward(up2_->forward(x)));
    return sigmoid(up3_->forward(x));
  }

 private:
  int64_t c_, t0_, p0_;
  std::shared_ptr<nn::Linear> dense_;
  std::shared_ptr<nn::BatchNorm2d> bn0_, bn1_, bn2_;
  std::shared_ptr<nn::ConvTranspose2d> up1_, up2_, up3_;
};

MuseGan::MuseGan(MuseGanConfig config, nlohmann::json json) : cfg_(std::move(config)), json_(std::move(json)) {
  json_.merge_patch(musegan_config_json(cfg_));
  shared_ = cfg_.mode != "jamming";
  private_ = cfg_.mode != "composer";
  const int64_t Z = cfg_.z_dim, M = cfg_.tracks;
  if (shared_)
    temporal_ = register_module("temporal", std::make_shared<TemporalNetwork>(Z, cfg_.temporal_hidden, cfg_.bars));
  if (private_)
    for (int64_t i = 0; i < M; ++i)
      temporals_.push_back(register_module("temporal_" + std::to_string(i),
                                           std::make_shared<TemporalNetwork>(Z, cfg_.temporal_hidden, cfg_.bars)));
  const int64_t width = 2 * Z * ((shared_ ? 1 : 0) + (private_ ? 1 : 0));
  const int64_t gens = private_ ? M : 1;
  for (int64_t i = 0; i < gens; ++i)
    generators_.push_back(register_module(
        "bar_generator_" + std::to_string(i),
        std::make_shared<BarGenerator>(width, cfg_.g_channels, cfg_.steps, cfg_.pitches, private_ ? 1 : M)));
  const int64_t C = cfg_.d_channels;
  const ConvOptions octave{.stride = {1, 1, 12}}, time4{.stride = {1, 4, 1}};
  d_convs_.push_back(register_module("critic_0", std::make_shared<nn::Conv3d>(M, C, Shape{1, 1, 12}, octave)));
  d_convs_.push_back(register_module("critic_1", std::make_shared<nn::Conv3d>(C, C, Shape{1, 4, 1}, time4)));
  d_convs_.push_back(register_module("critic_2", std::make_shared<nn::Conv3d>(C, 2 * C, Shape{1, 4, 1}, time4)));
  d_out_ = register_module(
      "critic_out", std::make_shared<nn::Linear>(2 * C * cfg_.bars * (cfg_.steps / 16) * (cfg_.pitches / 12), 1));
}

MuseGanNoise MuseGan::noise(int64_t B, Generator* gen) const {
  MuseGanNoise n;
  const int64_t Z = cfg_.z_dim, M = cfg_.tracks;
  if (shared_) n.shared = randn({B, Z}, DType::f32, gen), n.shared_temporal = randn({B, Z}, DType::f32, gen);
  if (private_) n.private_ = randn({B, M, Z}, DType::f32, gen), n.private_temporal = randn({B, M, Z}, DType::f32, gen);
  return n;
}

std::vector<Tensor> MuseGan::bar_latents(const MuseGanNoise& n) {
  const int64_t bars = cfg_.bars, Z = cfg_.z_dim;
  auto per_bar = [&](const Tensor& z) { return expand(unsqueeze(z, 1), {z.size(0), bars, Z}); };
  std::vector<Tensor> shared;
  if (shared_) shared = {per_bar(n.shared), temporal_->forward(n.shared_temporal)};
  if (!private_) return {concat(shared, 2)};
  std::vector<Tensor> out;
  for (int64_t i = 0; i < cfg_.tracks; ++i) {
    std::vector<Tensor> parts = shared;
    parts.push_back(per_bar(select(n.private_, 1, i)));
    parts.push_back(temporals_[size_t(i)]->forward(select(n.private_temporal, 1, i)));
    out.push_back(concat(parts, 2));
  }
  return out;
}

Tensor MuseGan::generate(const MuseGanNoise& n) {
  std::vector<Tensor> lat = bar_latents(n);
  const int64_t B = lat[0].size(0), bars = cfg_.bars, S = cfg_.steps, P = cfg_.pitches;
  std::vector<Tensor> tracks;
  for (size_t g = 0; g < lat.size(); ++g) {
    Tensor x = generators_[g]->forward(reshape(lat[g], {B * bars, lat[g].size(2)}));  // [B·bars, c, S, P]
    tracks.push_back(permute(reshape(x, {B, bars, x.size(1), S, P}), {0, 2, 1, 3, 4}));
  }
  return tracks.size() == 1 ? tracks[0] : concat(tracks, 1);
}

Tensor MuseGan::critic(const Tensor& x) {
  Shape want{x.size(0), cfg_.tracks, cfg_.bars, cfg_.steps, cfg_.pitches};
  CADENZA_CHECK(x.dim() == 5 && x.shape() == want, "musegan: expected bars {}, got {}", shape_str(want),
                shape_str(x.shape()));
  Tensor h = to_dtype(x, DType::f32);
  for (const auto& c : d_convs_) h = leaky_relu(c->forward(h), 0.2);
  return squeeze(d_out_->forward(flatten(h, 1)), 1);
}

Tensor MuseGan::critic_loss(const Tensor& real, Generator* gen) {
  const int64_t B = real.size(0);
  Tensor fake;
  {
    NoGradGuard ng;
    fake = generate(noise(B, gen));
  }
  auto d = [this](const Tensor& x) { return critic(x); };
  return gan::wgan_critic_loss(d, real, fake, rand({B}, DType::f32, gen), cfg_.gp_lambda);
}

Tensor MuseGan::generator_loss(int64_t B, Generator* gen) {
  auto d = [this](const Tensor& x) { return critic(x); };
  return gan::wgan_generator_loss(d, generate(noise(B, gen)));
}

static std::vector<Tensor> params_of(const std::vector<std::shared_ptr<nn::Module>>& ms) {
  std::vector<Tensor> out;
  for (const auto& m : ms)
    if (m)
      for (const Tensor& p : m->parameters()) out.push_back(p);
  return out;
}

std::vector<Tensor> MuseGan::generator_parameters() const {
  std::vector<std::shared_ptr<nn::Module>> ms{temporal_};
  ms.insert(ms.end(), temporals_.begin(), temporals_.end());
  ms.insert(ms.end(), generators_.begin(), generators_.end());
  return params_of(ms);
}

std::vector<Tensor> MuseGan::critic_parameters() const {
  std::vector<std::shared_ptr<nn::Module>> ms(d_convs_.begin(), d_convs_.end());
  ms.push_back(d_out_);
  return params_of(ms);
}

Tensor MuseGan::forward(const Batch& batch) { return critic(batch.inputs); }

LossResult MuseGan::loss(const Batch& batch) {
  const Tensor& real = batch.inputs;
  LossResult r;
  r.loss = sub(mean(critic(generate(noise(real.size(0))))), mean(critic(real)));
  r.steps = double(batch.inputs.size(0));
  r.nll_sum = r.loss.item<double>() * r.steps;
  return r;
}

music::repr::PianoRoll musegan_roll(const Tensor& bars, const MuseGanConfig& c) {
  const int64_t M = c.tracks, P = c.pitches;
  CADENZA_CHECK(bars.dim() == 5 && bars.size(1) == M && bars.size(3) == c.steps && bars.size(4) == P,
                "musegan: expected bars [N, {}, bars, {}, {}], got {}", M, c.steps, P, shape_str(bars.shape()));
  const int64_t N = bars.size(0), T = bars.size(2) * c.steps;  // steps per phrase
  music::repr::PianoRoll roll;
  roll.config = {.steps_per_quarter = int(c.steps / 4), .lowest_pitch = int(c.lowest_pitch), .num_pitches = int(P)};
  roll.num_steps = N * T;
  const music::Score names = music::repr::musegan_tracks(music::Score{});
  for (int64_t i = 0; i < M; ++i) {
    const auto& t = names.tracks[size_t(std::min<int64_t>(i, int64_t(names.tracks.size()) - 1))];
    roll.tracks.push_back({t.name, t.program, t.is_drum});
  }
  const std::vector<float> v = contiguous(to_dtype(bars, DType::f32)).to_vector<float>();  // [N][M][T][P] in order
  roll.velocity.assign(size_t(M * N * T * P), 0);
  roll.onsets.assign(roll.velocity.size(), 0);
  auto on = [&](int64_t n, int64_t m, int64_t t, int64_t p) { return v[size_t(((n * M + m) * T + t) * P + p)] > 0.5f; };
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t t = 0; t < T; ++t)
        for (int64_t p = 0; p < P; ++p) {
          if (!on(n, m, t, p)) continue;
          const size_t i = roll.index(size_t(m), n * T + t, int(c.lowest_pitch + p));
          roll.velocity[i] = 100;
          roll.onsets[i] = t == 0 || !on(n, m, t - 1, p) ? 1 : 0;
        }
  return roll;
}

music::Score MuseGan::to_score(const Tensor& bars) const {
  CADENZA_CHECK(bars.dim() == 4, "musegan: expected bars [{}, bars, steps, pitches], got {}", cfg_.tracks,
                shape_str(bars.shape()));
  return music::repr::musegan_tracks(music::repr::decode_piano_roll(musegan_roll(unsqueeze(bars, 0), cfg_)));
}

music::Score MuseGan::sample(const SampleOptions&, Generator& gen) {
  NoGradGuard ng;
  nn::EvalScope eval(*this);
  return to_score(select(generate(noise(1, &gen)), 0, 0));
}

MuseGanConfig read_musegan_config(const nlohmann::json& j) {
  const std::string m = "musegan";
  MuseGanConfig c;
  c.mode = j.value("mode", c.mode);
  CADENZA_CHECK(c.mode == "jamming" || c.mode == "composer" || c.mode == "hybrid",
                "musegan: unknown mode '{}' (known: composer, hybrid, jamming)", c.mode);
  c.tracks = config_int(j, m, "tracks", c.tracks, 1);
  c.bars = config_int(j, m, "bars", c.bars, 1);
  c.steps = config_int(j, m, "steps", c.steps, 16);
  c.pitches = config_int(j, m, "pitches", c.pitches, 12);
  c.lowest_pitch = config_int(j, m, "lowest_pitch", c.lowest_pitch, 0);
  CADENZA_CHECK(c.steps % 16 == 0 && c.pitches % 12 == 0 && c.steps % 4 == 0,
                "musegan: steps {} must be a multiple of 16 and pitches {} of 12", c.steps, c.pitches);
  c.z_dim = config_int(j, m, "z_dim", c.z_dim, 1);
  c.g_channels = config_int(j, m, "g_channels", c.g_channels, 4);
  c.d_channels = config_int(j, m, "d_channels", c.d_channels, 1);
  c.temporal_hidden = config_int(j, m, "temporal_hidden", c.temporal_hidden, 1);
  c.gp_lambda = config_real(j, m, "gp_lambda", c.gp_lambda, 0.0, 1e9);
  c.critic_steps = config_int(j, m, "critic_steps", c.critic_steps, 1);
  return c;
}

nlohmann::json musegan_config_json(const MuseGanConfig& c) {
  return {{"mode", c.mode},
          {"tracks", c.tracks},
          {"bars", c.bars},
          {"steps", c.steps},
          {"pitches", c.pitches},
          {"lowest_pitch", c.lowest_pitch},
          {"z_dim", c.z_dim},
          {"g_channels", c.g_channels},
          {"d_channels", c.d_channels},
          {"temporal_hidden", c.temporal_hidden},
          {"gp_lambda", c.gp_lambda},
          {"critic_steps", c.critic_steps}};
}

namespace {

// "paper": MuseGAN's sizes (z 32 per part, hybrid, λ 10, 5 critic steps, Adam 2e-3 /
// β1 0.5 / β2 0.9, batch 64); "small": narrower networks for 2 cores. The authors' later
// code (salu133445/musegan v2, src/musegan/default_config.yaml and presets/generator/
// default.py) differs: one latent of 128, a shared 3-D transposed-conv generator with
// pitch-time and time-pitch private streams, Adam 1e-3, 50,000 steps; we follow the
// AAAI 2018 paper's temporal + bar generators.
nlohmann::json musegan_preset(const std::string& preset) {
  if (preset == "small")
    return {{"mode", "hybrid"},      {"z_dim", 16},
            {"g_channels", 32},      {"d_channels", 16},
            {"temporal_hidden", 32}, {"train", {{"batch_size", 16}, {"lr", 0.001}, {"beta1", 0.5}, {"beta2", 0.9}}}};
  if (preset == "paper")
    return {{"mode", "hybrid"},       {"z_dim", 32},
            {"g_channels", 256},      {"d_channels", 128},
            {"temporal_hidden", 256}, {"train", {{"batch_size", 64}, {"lr", 0.002}, {"beta1", 0.5}, {"beta2", 0.9}}}};
  fail("musegan: unknown preset '{}' (known: paper, small)", preset);
}

FamilyHooks musegan_family() {
  FamilyHooks f;
  f.data_source = make_bars_source;
  f.step_unit = [](const Model&) -> std::string { return "example"; };
  // The loss is the critic's gap E[D(fake)] - E[D(real)], not a likelihood: no best model
  // to keep, no early stop, and `cadenza eval` measures samples instead.
  f.describe_validation = [](const Model&, const EvalResult& r) {
    return fmt::format("valid critic gap {:.4f} (E[D(fake)] - E[D(real)])", r.nll);
  };
  f.tracks_best = false;
  f.bundled_corpus = [](const Model&) { return std::optional<std::filesystem::path>(); };
  f.required_data = kMultitrackData;
  f.evaluate_samples = musegan_sample_eval;
  return f;
}

const ModelRegistrar musegan_registrar{{
    .name = "musegan",
    .description = "MuseGAN: multi-track piano-roll bars, jamming/composer/hybrid generators, WGAN-GP critic",
    .preset = musegan_preset,
    .make = [](const nlohmann::json& config) -> std::shared_ptr<Model> {
      return std::make_shared<MuseGan>(read_musegan_config(config), config);
    },
    .family = musegan_family(),
}};

}  // namespace
}  // namespace cadenza::models
