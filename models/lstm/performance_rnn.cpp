// performance_rnn: Magenta's Performance RNN on the 388 "performance" events, optionally
// conditioned on note density and pitch-class histogram (performance_condition.h).
// paper preset: magenta/models/performance_rnn/performance_model.py default_configs
// "performance_with_dynamics" (rnn_layer_sizes [512, 512, 512], dropout_keep_prob 1.0,
// 32 velocity bins; training batch_size 64, lr 1e-3, clip 3 under "train"); set
// "note_density"/"pitch_histogram" true for the (multi)conditioned configs.
#include "engine/error.h"
#include "models/common/config_read.h"
#include "models/data_stages.h"
#include "models/lstm/performance_condition.h"
#include "models/lstm/token_rnn.h"
#include "models/registry.h"

namespace cadenza::models {
namespace {

class PerformanceRnn : public TokenRnn {
 public:
  PerformanceRnn(TokenRnnConfig c, nlohmann::json json, PerformanceControls controls)
      : TokenRnn("performance_rnn", std::move(c), std::move(json)), controls_(controls) {}

 public:
  std::vector<float> sampling_condition(const nlohmann::json& controls) const override {
    return performance_control_row(controls, controls_);
  }
  std::vector<std::string> control_names() const override {
    std::vector<std::string> names;
    if (controls_.note_density) names.push_back("note_density");
    if (controls_.pitch_histogram) names.push_back("pitch_histogram");
    return names;
  }

 private:
  PerformanceControls controls_;
};

std::shared_ptr<Model> make_performance_rnn(const nlohmann::json& config) {
  PerformanceControls controls = performance_controls(config);
  TokenRnnConfig base{.tokenizer = "performance", .hidden = 512, .num_layers = 3, .condition_size = controls.size()};
  TokenRnnConfig c = read_token_rnn_config(config, "performance_rnn", base);
  nlohmann::json json = config;
  json.merge_patch(token_rnn_config_json(c));
  json["note_density"] = controls.note_density;
  json["pitch_histogram"] = controls.pitch_histogram;
  return std::make_shared<PerformanceRnn>(c, json, controls);
}

nlohmann::json performance_preset(const std::string& preset) {
  nlohmann::json common = {{"dropout", 0.0}, {"attn_length", 0}, {"note_density", false}, {"pitch_histogram", false}};
  if (preset == "small") {
    common.merge_patch({{"hidden", 256}, {"num_layers", 1}});
    return common;
  }
  if (preset == "paper") {
    common.merge_patch(
        {{"hidden", 512}, {"num_layers", 3}, {"train", {{"batch_size", 64}, {"lr", 0.001}, {"clip", 3}}}});
    return common;
  }
  fail("performance_rnn: unknown preset '{}' (known: paper, small)", preset);
}

// The shared token stage, with the note density and pitch histogram the config turns on
// as each step's condition.
std::unique_ptr<DataSource> performance_source(const Model& model, const DataOptions& o, DataUse use,
                                               music::dataset::SkippedFiles& skipped) {
  const PerformanceControls controls = performance_controls(model.config());
  TokenCondition condition;
  if (controls.size() > 0) {
    condition.width = controls.size();
    condition.rows = [controls](const std::vector<int32_t>& t) { return performance_condition(t, controls); };
  }
  return make_shared_source(model, o, use, skipped, std::move(condition));
}

const ModelRegistrar performance_registrar{{
    .name = "performance_rnn",
    .description = "Magenta Performance RNN on 388 performance events, optional density / pitch-histogram conditioning",
    .preset = performance_preset,
    .make = make_performance_rnn,
    .family =
        [] {
          FamilyHooks f;
          f.data_source = performance_source;
          return f;
        }(),
}};

}  // namespace
}  // namespace cadenza::models
