// music_vae's config keys and presets. The published ones are Magenta's
// magenta/models/music_vae/configs.py on top of lstm_models.get_default_hparams() and
// base_model.get_default_hparams() (sampling_schedule "constant" / rate 0, learning_rate
// 1e-3 decaying by 0.9999 per step to 1e-5, grad_clip 1.0, batch 512):
//   cat-mel_2bar_big   enc_rnn_size [2048], dec_rnn_size [2048, 2048, 2048], z_size 512,
//                      free_bits 0, max_beta 0.5, beta_rate 0.99999,
//                      sampling_schedule inverse_sigmoid, sampling_rate 1000   -> "paper"
//   hierdec-mel_16bar  enc_rnn_size [2048, 2048], dec_rnn_size [1024, 1024], z_size 512,
//                      free_bits 256, max_beta 0.2, level_lengths [16, 16],
//                      disable_autoregression True        -> "hierdec_16bar"
//   hierdec-trio_16bar the same with SplitMultiOutLstmDecoder (melody, bass, drums) and
//                      batch 256                          -> "hierdec_trio_16bar"
// (Magenta's hierarchical decoder sizes its conductor with dec_rnn_size too, hence
// conductor 2 x 1024.) "small", "hierdec_small" and "hierdec_trio_small" are their shapes
// scaled down to train on 2 cores in minutes.
#include "engine/error.h"
#include "models/bundled_data.h"
#include "models/common/config_read.h"
#include "models/registry.h"
#include "models/vae/music_vae.h"
#include "models/vae/trio_source.h"
#include "models/vae/vae_eval.h"
#include "models/vae/vae_loss.h"

namespace cadenza::models {

MusicVaeConfig read_music_vae_config(const nlohmann::json& j) {
  const std::string m = "music_vae";
  MusicVaeConfig c;
  c.tokenizer = j.value("tokenizer", c.tokenizer);
  CADENZA_CHECK(c.tokenizer == "melody" || c.tokenizer == "trio",
                "music_vae: tokenizer '{}' is not supported (known: melody, trio)", c.tokenizer);
  c.enc_hidden = config_int(j, m, "enc_hidden", c.enc_hidden, 1);
  c.enc_layers = config_int(j, m, "enc_layers", c.enc_layers, 1);
  c.z_size = config_int(j, m, "z_size", c.z_size, 1);
  c.dec_hidden = config_int(j, m, "dec_hidden", c.dec_hidden, 1);
  c.dec_layers = config_int(j, m, "dec_layers", c.dec_layers, 1);
  c.hierarchical = config_bool(j, m, "hierarchical", c.hierarchical);
  c.conductor_hidden = config_int(j, m, "conductor_hidden", c.conductor_hidden, 1);
  c.conductor_layers = config_int(j, m, "conductor_layers", c.conductor_layers, 1);
  c.autoregressive = config_bool(j, m, "autoregressive", c.autoregressive);
  c.bars = config_int(j, m, "bars", c.bars, 1);
  c.steps_per_bar = config_int(j, m, "steps_per_bar", c.steps_per_bar, 1);
  c.free_bits = config_real(j, m, "free_bits", c.free_bits, 0.0, 1e9);
  c.max_beta = config_real(j, m, "max_beta", c.max_beta, 0.0, 1e9);
  c.beta_rate = config_real(j, m, "beta_rate", c.beta_rate, 0.0, 1.0);
  c.sampling_schedule = j.value("sampling_schedule", c.sampling_schedule);
  c.sampling_rate = config_real(j, m, "sampling_rate", c.sampling_rate, 0.0, 1e12);
  vae::check_sampling_schedule(c.sampling_schedule, c.sampling_rate, m);
  return c;
}

nlohmann::json music_vae_config_json(const MusicVaeConfig& c) {
  return {{"tokenizer", c.tokenizer},
          {"enc_hidden", c.enc_hidden},
          {"enc_layers", c.enc_layers},
          {"z_size", c.z_size},
          {"dec_hidden", c.dec_hidden},
          {"dec_layers", c.dec_layers},
          {"hierarchical", c.hierarchical},
          {"conductor_hidden", c.conductor_hidden},
          {"conductor_layers", c.conductor_layers},
          {"autoregressive", c.autoregressive},
          {"bars", c.bars},
          {"steps_per_bar", c.steps_per_bar},
          {"free_bits", c.free_bits},
          {"max_beta", c.max_beta},
          {"beta_rate", c.beta_rate},
          {"sampling_schedule", c.sampling_schedule},
          {"sampling_rate", c.sampling_rate}};
}

namespace {

nlohmann::json music_vae_preset(const std::string& preset) {
  // A training window is one segment: `length` tokens = bars · 16 steps.
  auto train = [](int64_t batch, int64_t bars) {
    return nlohmann::json{{"batch_size", batch}, {"lr", 0.001}, {"clip", 1.0}, {"length", bars * 16}};
  };
  if (preset == "small")
    return {{"enc_hidden", 128},    {"enc_layers", 1},
            {"z_size", 32},         {"dec_hidden", 128},
            {"dec_layers", 2},      {"bars", 2},
            {"free_bits", 0},       {"max_beta", 0.5},
            {"beta_rate", 0.999},   {"sampling_schedule", "inverse_sigmoid"},
            {"sampling_rate", 200}, {"train", train(64, 2)}};
  if (preset == "paper")
    return {{"enc_hidden", 2048},    {"enc_layers", 1},
            {"z_size", 512},         {"dec_hidden", 2048},
            {"dec_layers", 3},       {"bars", 2},
            {"free_bits", 0},        {"max_beta", 0.5},
            {"beta_rate", 0.99999},  {"sampling_schedule", "inverse_sigmoid"},
            {"sampling_rate", 1000}, {"train", train(512, 2)}};
  if (preset == "hierdec_small")
    return {{"enc_hidden", 128},
            {"enc_layers", 1},
            {"z_size", 32},
            {"dec_hidden", 128},
            {"dec_layers", 1},
            {"hierarchical", true},
            {"conductor_hidden", 128},
            {"conductor_layers", 1},
            {"autoregressive", true},
            {"bars", 16},
            {"free_bits", 16},
            {"max_beta", 0.2},
            {"beta_rate", 0.999},
            {"train", train(32, 16)}};
  if (preset == "hierdec_16bar")
    return {{"enc_hidden", 2048},
            {"enc_layers", 2},
            {"z_size", 512},
            {"dec_hidden", 1024},
            {"dec_layers", 2},
            {"hierarchical", true},
            {"conductor_hidden", 1024},
            {"conductor_layers", 2},
            {"autoregressive", false},
            {"bars", 16},
            {"free_bits", 256},
            {"max_beta", 0.2},
            {"beta_rate", 0.99999},
            {"train", train(512, 16)}};
  if (preset == "hierdec_trio_small")
    return {{"tokenizer", "trio"},
            {"enc_hidden", 128},
            {"enc_layers", 1},
            {"z_size", 32},
            {"dec_hidden", 128},
            {"dec_layers", 1},
            {"hierarchical", true},
            {"conductor_hidden", 128},
            {"conductor_layers", 1},
            {"autoregressive", true},
            {"bars", 16},
            {"free_bits", 16},
            {"max_beta", 0.2},
            {"beta_rate", 0.999},
            {"train", train(32, 16)}};
  if (preset == "hierdec_trio_16bar")
    return {{"tokenizer", "trio"},
            {"enc_hidden", 2048},
            {"enc_layers", 2},
            {"z_size", 512},
            {"dec_hidden", 1024},
            {"dec_layers", 2},
            {"hierarchical", true},
            {"conductor_hidden", 1024},
            {"conductor_layers", 2},
            {"autoregressive", false},
            {"bars", 16},
            {"free_bits", 256},
            {"max_beta", 0.2},
            {"beta_rate", 0.99999},
            {"train", train(256, 16)}};
  fail(
      "music_vae: unknown preset '{}' (known: hierdec_16bar, hierdec_small, hierdec_trio_16bar, hierdec_trio_small, "
      "paper, small)",
      preset);
}

bool is_trio(const Model& model) { return model.tokenizer() == "trio"; }

FamilyHooks music_vae_family() {
  FamilyHooks f;
  f.data_source = make_trio_source;  // melodies: the shared token stage
  // A trio step is one grid step of all three parts; its NLL is their sum.
  f.step_unit = [](const Model& m) -> std::string { return is_trio(m) ? "trio-step" : "token"; };
  f.bundled_corpus = [](const Model& m) -> std::optional<std::filesystem::path> {
    if (is_trio(m)) return std::nullopt;
    return bundled_data_file("jsb-chorales-quarter.json");
  };
  f.required_data = kMultitrackData;
  f.evaluate = vae_eval_report;
  return f;
}

const ModelRegistrar music_vae_registrar{{
    .name = "music_vae",
    .description = "MusicVAE: biLSTM encoder, Gaussian latent, flat or hierarchical (conductor) LSTM decoder, on "
                   "melodies or trios (melody, bass, drums)",
    .preset = music_vae_preset,
    .make = [](const nlohmann::json& config) -> std::shared_ptr<Model> {
      return std::make_shared<MusicVae>(read_music_vae_config(config), config);
    },
    .family = music_vae_family(),
}};

}  // namespace
}  // namespace cadenza::models
