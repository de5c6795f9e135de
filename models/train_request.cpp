#include "models/train_request.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/error.h"
#include "models/registry.h"
#include "models/transfer.h"
#include "music/corpus/store.h"
#include "music/repr/tokenizer_spec.h"

namespace cadenza::models {

nlohmann::json tokenizer_spec_of(const std::string& arg) {
  try {
    if (music::corpus::is_store(arg)) return music::corpus::Store(arg).tokenizer_spec();
    return music::repr::tokenizer_spec(*music::repr::load_tokenizer(arg));
  } catch (const std::exception& e) {
    throw Error(fmt::format("--tokenizer: {}", e.what()));
  }
}

namespace {

void check_values(const TrainRequest& r) {
  CADENZA_CHECK(!r.steps || *r.steps > 0, "--steps must be positive, not {}", *r.steps);
  CADENZA_CHECK(!r.batch || *r.batch > 0, "--batch must be positive, not {}", *r.batch);
  CADENZA_CHECK(!r.lr || *r.lr > 0, "--lr must be positive, not {}", *r.lr);
  CADENZA_CHECK(!r.patience || *r.patience >= 0, "--patience must be 0 (off) or positive, not {}", *r.patience);
}

// The options that set one setting each, applied to `spec`.
void apply_options(RunSpec& spec, const TrainRequest& r) {
  if (r.freeze) spec.train.freeze = *r.freeze;
  if (r.tokenizer) spec.config["tokenizer"] = tokenizer_spec_of(*r.tokenizer);
  if (r.data) {
    // Another corpus's grid is looked up again, unless the patch sets it.
    const bool grid_given = r.patch.is_object() && r.patch.contains("data") && r.patch["data"].is_object() &&
                            r.patch["data"].contains("steps_per_quarter");
    if (grid_given)
      spec.data.path = *r.data;
    else
      use_corpus(spec.data, *r.data);
  }
  if (r.patience) spec.train.patience = *r.patience;
  if (r.strict_data) spec.data.strict_data = true;
  if (r.batch) spec.data.batch_size = *r.batch;
  if (r.lr) spec.train.lr = *r.lr;
  if (r.seed) spec.train.seed = spec.data.seed = *r.seed;
}

// A resumed run continues with its own settings. The request that started it may be made
// again (a script reruns one command until the run is done): every option given must say
// what the run already has, and one that would change the run is refused, naming the first
// setting that differs. Only steps and device may change.
RunSpec resumed_spec(const std::filesystem::path& out, const TrainRequest& r) {
  const RunSpec run = load_run_spec(out);
  CADENZA_CHECK(r.model.empty() || r.model == run.model, "{} holds a run of model '{}', not '{}'", out.string(),
                run.model, r.model);
  const nlohmann::json had = to_json(run);
  nlohmann::json asked_json = had;
  if (!r.patch.is_null()) {
    CADENZA_CHECK(r.patch.is_object(), "a run config must be a JSON object");
    for (const auto& [key, value] : r.patch.items()) asked_json[key].merge_patch(value);
  }
  if (!r.preset.empty()) asked_json["preset"] = r.preset;
  RunSpec asked = run_spec_from_json(asked_json);
  if (r.init_from) asked.train.init_from = fine_tune_spec(*r.init_from, nullptr).train.init_from;
  apply_options(asked, r);
  std::error_code ec;
  if (r.data && std::filesystem::equivalent(*r.data, run.data.path, ec)) asked.data.path = run.data.path;
  if (asked.data.steps_per_quarter == 0) asked.data.steps_per_quarter = run.data.steps_per_quarter;
  const nlohmann::json diff = nlohmann::json::diff(had, to_json(asked));
  if (diff.empty()) return run;
  const nlohmann::json::json_pointer where(diff[0]["path"].get<std::string>());
  std::string setting = where.to_string().substr(1);
  std::replace(setting.begin(), setting.end(), '/', '.');
  fail(
      "--resume continues with the run's own settings; only --steps and --device may change, not {} (the run's: {}, "
      "given: {})",
      setting, had.contains(where) ? had[where].dump() : "none", diff[0].value("value", nlohmann::json()).dump());
}

RunSpec fresh_spec(const TrainRequest& r) {
  RunSpec spec;
  if (r.init_from) {
    CADENZA_CHECK(r.preset.empty(),
                  "--init-from takes the model, its preset and config from the checkpoint; drop --preset");
    spec = fine_tune_spec(*r.init_from, r.patch);
    CADENZA_CHECK(r.model.empty() || r.model == spec.model, "--init-from {} holds a '{}' model, not '{}'", *r.init_from,
                  spec.model, r.model);
  } else {
    CADENZA_CHECK(!r.model.empty(), "train needs --model (known: {})", fmt::join(model_names(), ", "));
    spec = make_run_spec(r.model, r.preset.empty() ? "small" : r.preset, r.patch);
  }
  apply_options(spec, r);
  return spec;
}

}  // namespace

RunSpec train_run_spec(const std::filesystem::path& out, const TrainRequest& r) {
  check_values(r);
  RunSpec spec = r.resume ? resumed_spec(out, r) : fresh_spec(r);
  if (r.steps) spec.train.steps = *r.steps;
  // Recorded in config.json; a resumed run may continue on another device.
  if (r.device) spec.train.device = *r.device;
  return spec;
}

}  // namespace cadenza::models
