#pragma once
// The shared data stages of models/data.h: token sequences and 88-key piano rolls, read
// from a JSON piano-roll corpus or a folder of MIDI files, cut into training windows and
// evaluation windows (models/data_windows.h). Every family that reads tokens or rolls
// uses them; a family with data of its own registers its own source (models/family.h).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "models/data_source.h"
#include "music/repr/json_roll.h"

namespace cadenza::models {

// Per-step conditioning computed from a token sequence (Batch.condition): `width` floats
// per step, row t the control of step t. Performance RNN's note density and pitch
// histogram are one (models/lstm/performance_condition.h).
struct TokenCondition {
  int64_t width = 0;  // 0: no condition
  std::function<std::vector<float>(const std::vector<int32_t>& tokens)> rows;
};

// The source of a model with a tokenizer (tokens) or without one (rolls), with an
// optional per-step condition for token models.
std::unique_ptr<DataSource> make_shared_source(const Model& model, const DataOptions& options, DataUse use,
                                               music::dataset::SkippedFiles& skipped, TokenCondition condition = {});

// The splits of a corpus as roll pieces at options.steps_per_quarter: a JSON piano-roll
// file with its NAME_<split>.json siblings, or every MIDI file of a folder (split by file
// name; unreadable files go to `skipped`).
std::map<DataSplit, std::vector<music::repr::RollPiece>> load_roll_splits(const DataOptions& options,
                                                                          music::dataset::SkippedFiles& skipped);

// A roll piece as the models see it: one silent frame first (so the piece's first frame
// is predicted), pitches outside the 88 keys dropped (they only occur in MIDI folders).
music::repr::RollPiece model_roll(music::repr::RollPiece piece);

}  // namespace cadenza::models
