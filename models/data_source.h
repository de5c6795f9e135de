#pragma once
// Where a Dataset's batches come from (models/data.h): the shared token and roll stages
// (models/data_stages.h), or a family's own source, which its registry entry builds
// (models/registry.h: deepbach's chorale grids, musegan's bars, music_vae's trios, a
// plugin's data). Whatever the source, batch p depends only on the corpus, the options
// and p, so that a resumed run sees the batches an uninterrupted one would.
#include <cstdint>
#include <functional>
#include <memory>

#include "models/data.h"
#include "music/dataset/skipped_files.h"
#include "music/dataset/split.h"

namespace cadenza::models {

class DataSource {
 public:
  virtual ~DataSource() = default;
  // Training batch number `position`, then advances it.
  virtual Batch next() = 0;
  virtual void seek(int64_t position) = 0;
  virtual bool has_split(DataSplit split) const = 0;
  // The split's evaluation windows, at most max_batches batches (0: all); a source whose
  // windows are fixed ignores `layout` and leaves Batch.carry undefined.
  virtual void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                                   EvalLayout layout) const = 0;
  int64_t position = 0;  // training batches consumed
};

// A family's source for `model` read from `options` (the corpus path exists and the
// options are valid); files it cannot read go to `skipped`. For training (DataUse::train)
// it throws, naming the path, when the corpus has nothing to train on.
using DataSourceFactory = std::function<std::unique_ptr<DataSource>(
    const Model& model, const DataOptions& options, DataUse use, music::dataset::SkippedFiles& skipped)>;

// The seed of training batch `position` of a run seeded with `seed`: a source that draws
// batch p with an RNG seeded so can seek exactly.
uint64_t batch_seed(uint64_t seed, int64_t position);

// A MIDI folder's split by file name (music::dataset::split_of).
music::dataset::Split dataset_split(DataSplit split);

constexpr DataSplit kDataSplits[] = {DataSplit::train, DataSplit::valid, DataSplit::test};

}  // namespace cadenza::models
