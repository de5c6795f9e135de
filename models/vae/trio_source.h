#pragma once
// music_vae's trio data (tokenizer "trio", models/data.h): a folder of multitrack MIDI
// files, split by file name, every file's trio (music/repr/trio.h) in memory with its
// windows of `length` steps (whole 4/4 bars in which melody, bass and drums all play,
// music/repr/trio_windows.h). Batch p holds batch_size windows drawn with an RNG seeded
// by (seed, p); evaluation walks a split's windows that do not overlap, in order, without
// carry. targets = inputs = the windows' tokens, mask all ones. `eval_length` does not
// apply (a window is the model's segment), transposition is refused (the drums have no
// pitch), steps_per_quarter must be the trio grid's (4). No trio corpus is bundled.
#include <memory>

#include "models/data_source.h"

namespace cadenza::models {

// The trio source for a trio music_vae; nullptr for a melody one (the shared token stage).
std::unique_ptr<DataSource> make_trio_source(const Model& model, const DataOptions& options, DataUse use,
                                             music::dataset::SkippedFiles& skipped);

}  // namespace cadenza::models
