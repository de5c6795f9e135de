#pragma once
// The optimisation options of a training run (models/train.h), with their JSON form.
#include <cstdint>
#include <nlohmann/json.hpp>

namespace cadenza::models {

struct TrainOptions {
  int64_t steps = 1000;
  double lr = 1e-3;
  int64_t warmup = 100;
  double min_lr_ratio = 0.1;
  double weight_decay = 0;
  double clip = 1.0;              // 0: no clipping
  int64_t log_every = 10;         // metrics rows and plain progress lines
  int64_t valid_every = 200;      // 0: only at the end
  int64_t valid_batches = 20;     // validation cost cap; 0: the whole split
  int64_t checkpoint_every = 200; // also at the end, on Ctrl-C and before validation
  uint64_t seed = 0;              // model initialisation and dropout
};

nlohmann::json to_json(const TrainOptions& o);
void update_from_json(TrainOptions& o, const nlohmann::json& j);  // rejects unknown keys
void validate(const TrainOptions& o);  // "steps must be positive, not 0", ...

}  // namespace cadenza::models
