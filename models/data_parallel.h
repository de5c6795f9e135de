#pragma once
// What changes in a training step when several ranks train one model together
// (dist/, docs/DISTRIBUTED.md).
//
// The global batch B is the one a single process would train on: every rank builds
// training batch p of the run (models/data.h: it depends only on the data, the options
// and p) and keeps its own contiguous block of rows, rank r rows [r·B/N, (r+1)·B/N) of N
// ranks (blocks differ by at most one row; B must be at least N). So the ranks read
// disjoint shards of every batch, the data position of a checkpoint is the same whatever
// N is (a resumed run re-shards by itself), and N ranks step exactly like one process
// with batch B.
//
// A model's loss is a mean over the counted steps (tokens, frames) of its rows. The
// global batch's loss is the mean over all its counted steps, so rank r's gradient is
// weighted by n_r / n (its share of the counted steps) before the sum over the ranks:
// the result is the single-process gradient up to the order of the float additions.
#include <optional>

#include "dist/communicator.h"
#include "dist/grad_sync.h"
#include "models/model.h"

namespace cadenza::models {

// A step's figures for the whole global batch, the same on every rank.
struct GlobalStep {
  double loss = 0;    // mean over the global batch's counted steps
  double steps = 0;   // counted steps of the global batch
  bool stop = false;  // some rank was asked to stop (Ctrl-C)
};

class DataParallel {
 public:
  // comm null or of one rank: single-process training, nothing is communicated. Otherwise
  // every rank's parameters are overwritten with rank 0's, so all start from one model.
  DataParallel(dist::Communicator* comm, Model& model, int64_t batch_size);

  int rank() const { return comm_ ? comm_->rank() : 0; }
  int size() const { return comm_ ? comm_->size() : 1; }
  bool is_root() const { return rank() == 0; }  // writes checkpoints, metrics and logs

  // This rank's rows of the global batch.
  Batch shard(const Batch& global) const;

  // Backward of this rank's loss; leaves in every parameter's .grad the gradient of the
  // global batch's loss. Every rank calls it once per step.
  GlobalStep backward(const LossResult& local, bool stop_requested);

 private:
  dist::Communicator* comm_ = nullptr;  // null when single-process
  std::optional<dist::GradSync> sync_;
};

}  // namespace cadenza::models
