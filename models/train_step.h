#pragma once
// One optimisation step of a model: the extension point of the trainer (models/train.h).
// The trainer owns everything around a step — learning-rate schedule, progress, metrics,
// validation, checkpoints, resume, the NaN stop and Ctrl-C — and asks the model's
// TrainStep (Model::make_train_step) for the update itself. The default, StandardStep,
// is "loss, backward, clip, one Adam/AdamW update"; a family whose update is different
// (MuseGAN: several critic updates, then one generator update, two optimizers) returns
// its own.
#include <functional>
#include <memory>
#include <string>

#include "models/data_parallel.h"
#include "models/model.h"
#include "models/train_options.h"
#include "optim/checkpoint.h"

namespace cadenza::models {

class TrainStep {
 public:
  virtual ~TrainStep() = default;

  struct Result {
    double loss = 0;       // what progress and metrics.csv show as train_loss
    double steps = 0;      // counted steps (tokens, frames, examples) for the throughput
    std::string diverged;  // not empty: what turned NaN/Inf ("the training loss is nan")
    bool stop = false;     // some rank was asked to stop (Ctrl-C): save and exit after this step
  };
  // One step at learning rate `lr`, reading as many batches as it needs (this rank's
  // shard, already on the model's device) from next_batch; `ranks` is the data-parallel
  // group (models/data_parallel.h; one rank when not under mpirun).
  virtual Result run(const std::function<Batch()>& next_batch, double lr, DataParallel& ranks, bool stop_requested) = 0;
  // The optimizers whose state a checkpoint holds, by name.
  virtual optim::NamedOptimizers optimizers() = 0;
};

// Adam (AdamW when weight_decay > 0) over the parameters that require gradients (all but
// the groups --freeze froze), gradients clipped to a global
// norm of `clip` (0: off).
std::unique_ptr<TrainStep> make_standard_step(Model& model, const TrainOptions& o);

}  // namespace cadenza::models
