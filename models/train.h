#pragma once
// The training loop behind `cadenza train`, for any registered model.
//
// A run lives in one directory DIR:
//   config.json              the run (RunSpec): model name, preset, full model config, data
//                            and training options; written once when the run starts
//   checkpoint.safetensors   model, optimizer state, RNG, step and data position, replaced
//                            atomically (optim/checkpoint.h), so the last good one
//                            survives a crash, a NaN or Ctrl-C
//   best.safetensors         the same at the step of the lowest validation NLL so far
//                            (models/early_stopping.h; not for GANs); sample or evaluate it
//                            with --checkpoint DIR/best.safetensors
//   metrics.csv              step,train_loss,valid_nll,lr,tokens_per_s,seconds
//   loss.png                 training and validation loss against the step
//
// Options come, later ones winning, from the defaults below, the preset's "train" object
// (a model family may put any DataOptions or TrainOptions key there; it is taken out of
// the model config), the --config file (a JSON merge patch over config.json's layout:
// {"config": {...}, "data": {...}, "train": {...}}) and the command-line flags.
//
// The update itself is the model's TrainStep (models/train_step.h); by default Adam (AdamW
// when weight_decay > 0, betas beta1/beta2), or plain SGD with "optimizer": "sgd";
// gradients clipped to a global norm of `clip` (0: not clipped).
// Learning rate: linear warm-up to `lr` over `warmup` steps (at most a fifth of the run),
// then cosine decay to lr·min_lr_ratio at the last step. Resuming restores everything
// that decides the next step (every optimizer of the TrainStep included), so a resumed
// run ends bit-identical to one that never stopped.
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "dist/communicator.h"
#include "models/data.h"
#include "models/family.h"
#include "models/model.h"
#include "models/run_dir.h"

namespace cadenza::models {

// stopped_early: `patience` validations in a row found no new best (TrainOptions).
enum class TrainStatus { finished, interrupted, diverged, stopped_early };

struct TrainResult {
  TrainStatus status = TrainStatus::finished;
  int64_t step = 0;              // optimizer steps taken in total
  int64_t checkpoint_step = -1;  // step of the checkpoint on disk (-1: none)
  double valid_nll = NAN;        // last validation (nats per token / per frame)
  std::string valid_text;        // the same as the progress line says it (describe_validation)
  int64_t best_step = -1;        // the step of the best validation, kept in best.safetensors (-1: none)
  double best_valid_nll = NAN;
  std::string message;  // diverged: what happened, for the user
};

// One optimizer step as TrainHooks::on_step sees it.
struct StepReport {
  int64_t step = 0;   // steps taken so far
  int64_t steps = 0;  // the run's total
  double loss = NAN;  // this step's training loss
  double lr = NAN;
  double tokens_per_s = NAN;  // over the current logging interval
  double valid_nll = NAN;     // when this step validated, else NaN
};

struct TrainHooks {
  const std::atomic<bool>* stop = nullptr;  // checked after every step (Ctrl-C)
  std::FILE* log = stderr;                  // progress; null: silent
  // The ranks training together (models/data_parallel.h); null: this process alone. With
  // several, each trains on its share of every batch, and only rank 0 writes the run
  // directory, logs and validates.
  dist::Communicator* comm = nullptr;
  // Called after every step (after its validation, before its checkpoint), for one process
  // only (comm null). Returning false stops training there as an interrupt does: the
  // checkpoint is saved and the status is interrupted. What it throws ends train() at once.
  std::function<bool(const StepReport&)> on_step{};
};

// Trains the run `spec` in `dir` (created if needed) and writes config.json. resume=false
// starts afresh and refuses a directory that already holds a checkpoint; resume=true
// continues from the checkpoint (spec is then normally load_run_spec(dir), perhaps with
// more steps). Bad options, a missing corpus or an unknown model throw; a NaN/Inf loss or
// gradient returns status diverged without touching the last good checkpoint.
TrainResult train(const std::filesystem::path& dir, const RunSpec& spec, bool resume, const TrainHooks& hooks = {});

// NLL over (at most max_batches of) a split, through one Model::eval_session (a recurrent
// model carries its state across each piece's windows): nats per counted step, and accuracy.
EvalResult evaluate(Model& model, const Dataset& data, DataSplit split, int64_t max_batches = 0);

}  // namespace cadenza::models
