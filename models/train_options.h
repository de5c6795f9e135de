#pragma once
// The optimisation options of a training run (models/train.h), with their JSON form.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/device.h"

namespace cadenza::models {

struct TrainOptions {
  int64_t steps = 1000;
  double lr = 1e-3;
  int64_t warmup = 100;
  double min_lr_ratio = 0.1;
  double weight_decay = 0;
  // "adam" (AdamW when weight_decay > 0), or "sgd": plain SGD, p -= lr · gradient (with L2
  // weight decay), whose step is proportional to the gradient — what a check of the
  // gradient's scale needs, since Adam's step is not.
  std::string optimizer = "adam";
  double beta1 = 0.9, beta2 = 0.999;  // Adam's (WGAN-GP trains with 0.5, 0.9)
  double clip = 1.0;                  // 0: no clipping
  int64_t log_every = 10;             // metrics rows and plain progress lines
  int64_t valid_every = 200;          // 0: only at the end
  int64_t valid_batches = 20;         // validation cost cap; 0: the whole split
  int64_t patience = 0;               // stop after this many validations without a new best; 0: off
  int64_t checkpoint_every = 200;     // also at the end, on Ctrl-C and before validation
  uint64_t seed = 0;                  // model initialisation and dropout
  std::string device = "cpu";         // "cpu", "vulkan" or "vulkan:N" (see parse_device)
  // Transfer learning (models/transfer.h): the run directory whose checkpoint's weights a
  // fresh run starts from ("": initialise at random), and the comma-separated parameter
  // groups that get no updates ("": none). Kept in config.json, so --resume keeps both.
  std::string init_from;
  std::string freeze;
};

// "cpu" -> the CPU; "vulkan" / "vulkan:N" -> the Vulkan device (the runtime drives one
// device, chosen by index N through CADENZA_VULKAN_DEVICE before it starts; tools/ does
// that). Anything else, or a Vulkan device whose backend is not running, throws one line.
Device parse_device(const std::string& spec);

nlohmann::json to_json(const TrainOptions& o);
void update_from_json(TrainOptions& o, const nlohmann::json& j);  // rejects unknown keys
void validate(const TrainOptions& o);                             // "steps must be positive, not 0", ...

}  // namespace cadenza::models
