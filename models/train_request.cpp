#include "models/train_request.h"

#include <fmt/format.h>

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

RunSpec resumed_spec(const std::filesystem::path& out, const TrainRequest& r) {
  RunSpec spec = load_run_spec(out);
  CADENZA_CHECK(r.model.empty() || r.model == spec.model, "{} holds a run of model '{}', not '{}'", out.string(),
                spec.model, r.model);
  const std::pair<const char*, bool> changed[] = {
      {"--data", r.data.has_value()},           {"--preset", !r.preset.empty()},
      {"--batch", r.batch.has_value()},         {"--lr", r.lr.has_value()},
      {"--seed", r.seed.has_value()},           {"--config", !r.patch.is_null()},
      {"--init-from", r.init_from.has_value()}, {"--freeze", r.freeze.has_value()},
      {"--patience", r.patience.has_value()},   {"--strict-data", r.strict_data},
      {"--tokenizer", r.tokenizer.has_value()}};
  for (const auto& [flag, given] : changed)
    CADENZA_CHECK(!given, "--resume continues with the run's own settings; only --steps may change, not {}", flag);
  return spec;
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
  if (r.freeze) spec.train.freeze = *r.freeze;
  if (r.tokenizer) spec.config["tokenizer"] = tokenizer_spec_of(*r.tokenizer);
  if (r.data) {
    spec.data.path = *r.data;
    // The new corpus's grid is looked up again, unless the patch sets it.
    const bool grid_given = r.patch.is_object() && r.patch.contains("data") && r.patch["data"].is_object() &&
                            r.patch["data"].contains("steps_per_quarter");
    if (!grid_given) spec.data.steps_per_quarter = 0;
  }
  if (r.patience) spec.train.patience = *r.patience;
  if (r.strict_data) spec.data.strict_data = true;
  if (r.batch) spec.data.batch_size = *r.batch;
  if (r.lr) spec.train.lr = *r.lr;
  if (r.seed) spec.train.seed = spec.data.seed = *r.seed;
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
