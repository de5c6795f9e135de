#pragma once
// A training run's directory and its config.json (see models/train.h for the layout):
// the RunSpec that says which model, preset, config, data and options the run uses, and
// loading the trained model back for sampling and evaluation.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/data.h"
#include "models/model.h"
#include "models/train_options.h"

namespace cadenza::models {

// Everything config.json holds.
struct RunSpec {
  std::string model;
  std::string preset = "small";
  nlohmann::json config;  // the model's full config (what make() gets)
  DataOptions data;
  TrainOptions train;
};

nlohmann::json to_json(const RunSpec& spec);
RunSpec run_spec_from_json(const nlohmann::json& j);  // errors name the bad key

// A fresh spec: the preset of `model` (with its "train" defaults) patched by `patch`
// ({"config", "data", "train"}, may be null). Throws for an unknown model or preset.
RunSpec make_run_spec(const std::string& model, const std::string& preset, const nlohmann::json& patch);

// The files of a run directory.
std::filesystem::path config_path(const std::filesystem::path& dir);
std::filesystem::path checkpoint_path(const std::filesystem::path& dir);
std::filesystem::path best_checkpoint_path(const std::filesystem::path& dir);  // at the best validation
std::filesystem::path metrics_path(const std::filesystem::path& dir);
std::filesystem::path loss_plot_path(const std::filesystem::path& dir);

// DIR/config.json; throws "DIR: no config.json (not a cadenza train directory)" and the like.
RunSpec load_run_spec(const std::filesystem::path& dir);

struct TrainedModel {
  RunSpec spec;
  std::shared_ptr<Model> model;  // in eval mode
  int64_t step = 0;
  std::filesystem::path dir;  // the run directory (or zoo folder) it was read from
};
// Where a run's weights are: given a run directory, that directory and its last checkpoint;
// given one of its checkpoint files (DIR/best.safetensors), the file's directory and the file;
// given a name that is no path on disk, the zoo model of that name (models/zoo.h). Throws
// when it is none of these.
struct RunCheckpoint {
  std::filesystem::path dir, file;
};
RunCheckpoint resolve_checkpoint(const std::filesystem::path& run);

// The model of a run directory at its last checkpoint, or, given one of the run's
// checkpoint files (DIR/best.safetensors), at that one; errors name the missing or
// mismatching file.
TrainedModel load_trained_model(const std::filesystem::path& run);

}  // namespace cadenza::models
