#pragma once
// deepbach's data (models/data.h): a SATB-separated chorale JSON in the format of
// Jsb16thSeparated.json (chorale_grid.h), the bundled one by default. A training batch is
// random_chorale_batch with batch index = position, evaluation for_each_eval_chorale_batch
// (every voice-step once, fixed windows in order, no carry); `length`, `eval_length` and
// `steps_per_quarter` do not apply (the window is the model's), transposition is refused
// (it would leave the voices' ranges).
#include <memory>

#include "models/data_source.h"

namespace cadenza::models::deepbach {

// The source for a DeepBach `model`; throws for any other model.
std::unique_ptr<DataSource> make_chorale_source(const Model& model, const DataOptions& options, DataUse use,
                                                music::dataset::SkippedFiles& skipped);

}  // namespace cadenza::models::deepbach
