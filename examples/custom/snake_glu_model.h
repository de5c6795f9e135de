#pragma once
// A small model made of the custom layer and op, registered as the model family
// "snake_glu": it reads pairs of 88-key piano-roll frames (its own data source,
// snake_glu_family.cpp) and predicts frame t+1 from frame t through
//   GLU(88 -> hidden) -> snake(alpha) -> Linear(hidden -> 88)   (per-key Bernoulli logits).
// A first-order (Markov) model: small enough to train in seconds, and every part of it
// runs on both devices. Being a registered family, the trainer, checkpoints and
// `cadenza sample` handle it like a built-in one (the program loads it as a plugin:
// docs/CUSTOM_LAYERS.md).
#include <memory>

#include "examples/custom/glu.h"
#include "models/model.h"
#include "nn/linear.h"

namespace cadenza::example {

class SnakeGluModel : public models::Model {
 public:
  // config: {"hidden": 128, "alpha": 1.0, "steps_per_quarter": 1}
  explicit SnakeGluModel(const nlohmann::json& config);
  std::string name() const override { return "snake_glu"; }
  nlohmann::json config() const override { return config_; }
  Tensor forward(const models::Batch& batch) override;
  models::LossResult loss(const models::Batch& batch) override;
  music::Score sample(const models::SampleOptions& options, Generator& gen) override;

 private:
  Tensor logits(const Tensor& frames) const;  // [B, T, 88] -> [B, T, 88]

  nlohmann::json config_;
  double alpha_;
  int64_t steps_per_quarter_;
  std::shared_ptr<GLU> glu_;
  std::shared_ptr<nn::Linear> output_;
};

}  // namespace cadenza::example
