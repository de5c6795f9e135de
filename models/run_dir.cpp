#include "models/run_dir.h"

#include "engine/error.h"
#include "engine/serialize/json_file.h"
#include "models/family.h"
#include "models/registry.h"
#include "models/zoo.h"
#include "optim/checkpoint.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {

// The DataOptions keys a preset's "train" object may set (the rest are TrainOptions').
bool is_data_key(const std::string& key) {
  return key == "batch_size" || key == "length" || key == "eval_length" || key == "steps_per_quarter" ||
         key == "max_transpose";
}

void apply_patch(RunSpec& spec, const nlohmann::json& patch) {
  if (patch.is_null()) return;
  CADENZA_CHECK(patch.is_object(), "a run config must be a JSON object");
  for (const auto& [key, value] : patch.items()) {
    if (key == "config")
      spec.config.merge_patch(value);
    else if (key == "data")
      update_from_json(spec.data, value);
    else if (key == "train")
      update_from_json(spec.train, value);
    else
      fail("unknown run config key '{}' (known: config, data, train)", key);
  }
}

}  // namespace

fs::path config_path(const fs::path& dir) { return dir / "config.json"; }
fs::path checkpoint_path(const fs::path& dir) { return dir / "checkpoint.safetensors"; }
fs::path best_checkpoint_path(const fs::path& dir) { return dir / "best.safetensors"; }
fs::path metrics_path(const fs::path& dir) { return dir / "metrics.csv"; }
fs::path loss_plot_path(const fs::path& dir) { return dir / "loss.png"; }

nlohmann::json to_json(const RunSpec& spec) {
  return {{"model", spec.model},
          {"preset", spec.preset},
          {"config", spec.config},
          {"data", to_json(spec.data)},
          {"train", to_json(spec.train)}};
}

RunSpec run_spec_from_json(const nlohmann::json& j) {
  CADENZA_CHECK(j.is_object() && j.contains("model") && j["model"].is_string() && j.contains("config"),
                "not a run config (wants \"model\" and \"config\")");
  RunSpec spec;
  spec.model = j["model"].get<std::string>();
  if (j.contains("preset")) spec.preset = j["preset"].get<std::string>();
  spec.config = j["config"];
  nlohmann::json rest = j;
  for (const char* key : {"model", "preset", "config"}) rest.erase(key);
  apply_patch(spec, rest);
  return spec;
}

RunSpec make_run_spec(const std::string& model, const std::string& preset, const nlohmann::json& patch) {
  const ModelEntry& entry = find_model(model);
  RunSpec spec;
  spec.model = model;
  spec.preset = preset;
  spec.config = entry.preset(preset);
  if (spec.config.contains("train")) {
    nlohmann::json defaults = spec.config["train"];
    spec.config.erase("train");
    CADENZA_CHECK(defaults.is_object(), "model '{}' preset '{}': \"train\" is not an object", model, preset);
    for (const auto& [key, value] : defaults.items()) {
      const nlohmann::json one = {{key, value}};
      if (is_data_key(key))
        update_from_json(spec.data, one);
      else
        update_from_json(spec.train, one);
    }
  }
  apply_patch(spec, patch);
  return spec;
}

RunSpec load_run_spec(const fs::path& dir) {
  const fs::path path = config_path(dir);
  CADENZA_CHECK(fs::is_directory(dir), "{}: no such run directory", dir.string());
  CADENZA_CHECK(fs::exists(path), "{}: no config.json (not a cadenza train directory)", dir.string());
  const nlohmann::json j = serialize::read_json_object(path);
  try {
    return run_spec_from_json(j);
  } catch (const std::exception& e) {
    fail("{}: {}", path.string(), e.what());
  }
}

RunCheckpoint resolve_checkpoint(const fs::path& run) {
  if (fs::is_regular_file(run)) return {run.parent_path(), run};
  // A path on disk always wins; only a name that is none is looked up in the zoo.
  if (!fs::exists(run)) {
    if (const auto zoo = find_zoo_model(run.string())) return {*zoo, checkpoint_path(*zoo)};
    fail("{}: no such run directory, checkpoint file or zoo model (`cadenza models` lists the zoo)", run.string());
  }
  return {run, checkpoint_path(run)};
}

TrainedModel load_trained_model(const fs::path& run) {
  const auto [dir, ckpt] = resolve_checkpoint(run);
  TrainedModel out;
  out.dir = dir;
  out.spec = load_run_spec(dir);
  try {
    out.model = find_model(out.spec.model).make(out.spec.config);
  } catch (const std::exception& e) {
    fail("{}: {}", config_path(dir).string(), e.what());
  }
  // No corpus recorded (a zoo model trained on a bundled corpus): the family's own.
  if (out.spec.data.path.empty()) out.spec.data.path = default_corpus_path(*out.model);
  CADENZA_CHECK(fs::exists(ckpt), "{}: no checkpoint.safetensors (the run has not saved one yet)", dir.string());
  Generator unused;  // the training RNG state is of no use to sampling or evaluation
  out.step = optim::load_checkpoint(ckpt, *out.model, nullptr, unused).step;
  out.model->eval();
  return out;
}

}  // namespace cadenza::models
