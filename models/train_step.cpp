#include "models/train_step.h"

#include <fmt/format.h>

#include <cmath>

#include "ops/ops.h"
#include "optim/adam.h"
#include "optim/clip.h"
#include "optim/sgd.h"

namespace cadenza::models {
namespace {

class StandardStep final : public TrainStep {
 public:
  StandardStep(Model& model, const TrainOptions& o) : model_(model), clip_(o.clip) {
    for (const Tensor& p : model.parameters())  // frozen parameters (--freeze) stay out
      if (p.requires_grad()) params_.push_back(p);
    optim::AdamOptions a{.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .weight_decay = o.weight_decay};
    if (o.optimizer == "sgd")
      opt_ = std::make_unique<optim::SGD>(params_, optim::SgdOptions{.lr = o.lr, .weight_decay = o.weight_decay});
    else if (o.weight_decay > 0)
      opt_ = std::make_unique<optim::AdamW>(params_, a);
    else
      opt_ = std::make_unique<optim::Adam>(params_, a);
  }

  Result run(const std::function<Batch()>& next_batch, double lr, DataParallel& ranks, bool stop_requested) override {
    opt_->set_lr(lr);
    // Every rank takes part in the gradient exchange before anyone checks the loss.
    const GlobalStep g = ranks.backward(model_.loss(next_batch()), stop_requested);
    Result out{g.loss, g.steps, {}, g.stop};
    if (!std::isfinite(out.loss)) {
      out.diverged = fmt::format("the training loss is {}", out.loss);
      return out;
    }
    const double norm = clip_ > 0 ? optim::clip_grad_norm(params_, clip_) : 0.0;
    if (!std::isfinite(norm)) {
      out.diverged = fmt::format("the gradient norm is {}", norm);
      return out;
    }
    opt_->step();
    opt_->zero_grad();
    return out;
  }

  optim::NamedOptimizers optimizers() override { return {{"", opt_.get()}}; }

 private:
  Model& model_;
  std::vector<Tensor> params_;
  double clip_;
  std::unique_ptr<optim::Optimizer> opt_;
};

}  // namespace

std::unique_ptr<TrainStep> make_standard_step(Model& model, const TrainOptions& o) {
  return std::make_unique<StandardStep>(model, o);
}

std::unique_ptr<TrainStep> Model::make_train_step(const TrainOptions& o) { return make_standard_step(*this, o); }

}  // namespace cadenza::models
