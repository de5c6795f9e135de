#pragma once
// Transfer learning for `cadenza train --init-from DIR [--freeze GROUP,...]`: a new run
// starts from the weights of another run's checkpoint (its model family and config too,
// so the shapes match), with a fresh optimizer and schedule, and optionally with named
// parameter groups frozen.
//
// A parameter group is a prefix of dotted parameter names that ends at a dot, e.g.
// "embedding" or "lstm.0" (not "lstm.0.weight_i" — whole tensors are named too, and may be
// frozen one by one). A frozen parameter stops requiring grad (so backward skips it) and
// is left out of the optimizer, so it stays bit-identical through training, weight decay
// included.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "models/run_dir.h"

namespace cadenza::models {

// The spec of a fine-tuning run: the model family, preset and model config of the run
// `init_from` (a run directory, or one of its checkpoint files such as DIR/best.safetensors:
// resolve_checkpoint), that preset's data and training defaults, then `patch` ({"config",
// "data", "train"}, may be null) and train.init_from = init_from. Throws if it names no run
// with that checkpoint.
RunSpec fine_tune_spec(const std::filesystem::path& init_from, const nlohmann::json& patch);

// Copies the weights of that checkpoint into `model`. Throws one line when the run is of
// another model family or a tensor is missing or shaped differently (the config was changed).
void load_initial_weights(Model& model, const std::filesystem::path& init_from);

// Splits a comma-separated group list ("embedding, lstm.0") into names; empty entries are
// an error.
std::vector<std::string> parse_groups(const std::string& list);

// Every group name a model offers: each proper dotted prefix of its parameter names, and
// the names themselves, in registration order.
std::vector<std::string> parameter_groups(const Model& model);

// Freezes the parameters in `groups` (see above) and returns the others, the ones to
// train. An unknown group throws listing the model's groups; freezing everything throws.
std::vector<Tensor> trainable_parameters(Model& model, const std::vector<std::string>& groups);

}  // namespace cadenza::models
