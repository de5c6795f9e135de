#pragma once
// Training checkpoints: one safetensors file holding the model's parameters and buffers
// ("model.<name>"), the optimizer's state ("optim.<key>") and, in its metadata, the step,
// the data position and the RNG state — everything that must change together, written
// atomically so a crash leaves the previous checkpoint intact. The model's config (its
// hyper-parameters, JSON) goes beside it as <path without extension>.json.
// Resuming from a checkpoint continues a CPU run bit-identically.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/rng.h"
#include "nn/module.h"
#include "optim/optimizer.h"

namespace cadenza::optim {

struct TrainingProgress {
  int64_t step = 0;           // optimizer steps taken
  int64_t data_position = 0;  // where the data stream resumes (batches consumed, say)
};

// A training step that keeps several optimizers (a GAN's generator and critic) saves each
// one's state under "optim.<name>."; a single optimizer named "" under "optim.".
using NamedOptimizers = std::vector<std::pair<std::string, Optimizer*>>;

// `opt` may be null (weights only); `config` is written when not null.
void save_checkpoint(const std::filesystem::path& path, const nn::Module& model, const Optimizer* opt,
                     TrainingProgress progress, const Generator& rng = default_generator(),
                     const nlohmann::json& config = nullptr);

void save_checkpoint(const std::filesystem::path& path, const nn::Module& model, const NamedOptimizers& opts,
                     TrainingProgress progress, const Generator& rng = default_generator(),
                     const nlohmann::json& config = nullptr);

// Restores model (strictly: every tensor present, same shapes and dtypes), optimizer
// state (when `opt` is not null) and the RNG; returns the progress. Errors name the file.
TrainingProgress load_checkpoint(const std::filesystem::path& path, nn::Module& model, Optimizer* opt,
                                 Generator& rng = default_generator());
TrainingProgress load_checkpoint(const std::filesystem::path& path, nn::Module& model, const NamedOptimizers& opts,
                                 Generator& rng = default_generator());

// The config written beside a checkpoint (null when there is none).
nlohmann::json load_checkpoint_config(const std::filesystem::path& path);
std::filesystem::path checkpoint_config_path(const std::filesystem::path& path);

}  // namespace cadenza::optim
