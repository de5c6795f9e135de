#include "examples/custom/snake_glu_model.h"

#include "engine/autograd.h"
#include "examples/custom/snake.h"
#include "models/common/config_read.h"
#include "models/common/sample_checks.h"
#include "models/common/step_loss.h"
#include "music/repr/json_roll.h"
#include "ops/ops.h"

namespace cadenza::example {
namespace {

constexpr int64_t kKeys = music::repr::kRollPitches;

}  // namespace

SnakeGluModel::SnakeGluModel(const nlohmann::json& config) {
  const std::string model = "snake_glu";
  const int64_t hidden = models::config_int(config, model, "hidden", 128, 1);
  alpha_ = models::config_real(config, model, "alpha", 1.0, 1e-3, 1e3);
  steps_per_quarter_ = models::config_int(config, model, "steps_per_quarter", 1, 1);
  config_ = {{"hidden", hidden}, {"alpha", alpha_}, {"steps_per_quarter", steps_per_quarter_}};
  glu_ = register_module("glu", std::make_shared<GLU>(kKeys, hidden));
  output_ = register_module("output", std::make_shared<nn::Linear>(hidden, kKeys));
}

Tensor SnakeGluModel::logits(const Tensor& frames) const {
  CADENZA_CHECK(frames.dim() == 3 && frames.size(2) == kKeys, "snake_glu: expected frames [B, T, {}], got {}", kKeys,
                shape_str(frames.shape()));
  return output_->forward(snake(glu_->forward(frames), alpha_));
}

Tensor SnakeGluModel::forward(const models::Batch& batch) { return logits(batch.inputs); }

models::LossResult SnakeGluModel::loss(const models::Batch& batch) {
  Tensor z = forward(batch);
  CADENZA_CHECK(batch.targets.shape() == z.shape(), "snake_glu: targets {} should be {}",
                shape_str(batch.targets.shape()), shape_str(z.shape()));
  // Nats per frame: the per-key Bernoulli NLL summed over the 88 keys (as poly_rnn).
  Tensor per_key = binary_cross_entropy_with_logits(z, to_dtype(batch.targets, z.dtype()), {}, Reduction::none);
  models::LossResult r = models::masked_step_loss(sum(per_key, {-1}), batch.mask, name());
  r.correct = models::frame_accuracy_sum(z, batch.targets, batch.mask);
  return r;
}

music::Score SnakeGluModel::sample(const models::SampleOptions& o, Generator& gen) {
  models::check_sample_options(o, name());
  CADENZA_CHECK(o.beam == 1 && o.top_k == 0 && o.top_p == 1.0 && !o.primer,
                "snake_glu: only --length, --temperature and --seed apply (independent Bernoulli keys, no primer)");
  NoGradGuard no_grad;
  nn::EvalScope eval(*this);
  // From a silent frame, each frame drawn from the previous one.
  Tensor frame = Tensor::zeros({1, 1, kKeys}, DType::f32, device());
  music::repr::RollPiece piece;
  for (int64_t i = 0; i < o.length; ++i) {
    frame = bernoulli(sigmoid(div(logits(frame), o.temperature)), &gen);
    std::vector<float> bits = frame.to_vector<float>();
    auto& step = piece.emplace_back();
    for (int64_t k = 0; k < kKeys; ++k)
      if (bits[size_t(k)] > 0.5f) step.push_back(music::repr::kRollLowestPitch + int(k));
  }
  return music::repr::roll_piece_to_score(piece, static_cast<int>(steps_per_quarter_));
}

}  // namespace cadenza::example
