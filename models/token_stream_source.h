#pragma once
// The token sources that stream their training batches (models/data.h): a folder of MIDI
// files through music::dataset::TokenStream (read and encoded as it goes), or a corpus
// store (music/corpus/store.h) through music::corpus::StoreStream (already encoded, so
// memory is O(batch) however large the store). Either replays its stream from the seed
// to reach batch p, and evaluates a split one piece at a time.
#include <memory>

#include "models/data_stages.h"
#include "music/repr/tokenizer.h"

namespace cadenza::models {

// A MIDI folder, split by file name; unreadable files go to `skipped`.
std::unique_ptr<DataSource> make_midi_stream_source(std::unique_ptr<music::repr::Tokenizer> tokenizer,
                                                    const DataOptions& options, TokenCondition condition, DataUse use,
                                                    music::dataset::SkippedFiles& skipped);

// A corpus store at options.path, split by piece hash as the store says. Throws one line
// if the store's tokenizer is not `tokenizer` (the model's), or if options ask for
// augmentation (a store holds tokens, not notes to transpose).
std::unique_ptr<DataSource> make_store_source(const music::repr::Tokenizer& tokenizer, const DataOptions& options,
                                              TokenCondition condition, DataUse use);

}  // namespace cadenza::models
