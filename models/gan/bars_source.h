#pragma once
// musegan's data (models/data.h): a folder of multitrack MIDI files, split by file name
// like the MIDI folders of the shared stages, every file cut into phrases of the model's
// bars (musegan_data.h); batch.inputs are the phrases [B, 5, bars, steps, pitches], with
// no targets. Batch p holds batch_size phrases drawn with an RNG seeded by (seed, p);
// evaluation walks a split's phrases in order. `length`, `eval_length` and
// `steps_per_quarter` do not apply, transposition is refused. There is no default corpus
// (LPD-5 is far too large to ship).
#include <memory>

#include "models/data_source.h"

namespace cadenza::models {

// The source for a MuseGan `model`; throws for any other model.
std::unique_ptr<DataSource> make_bars_source(const Model& model, const DataOptions& options, DataUse use,
                                             music::dataset::SkippedFiles& skipped);

}  // namespace cadenza::models
