#pragma once
// Training and evaluation data for any registered model: `--data PATH` turned into Batches
// of the model's kind (models/model.h).
//
// PATH is either
//  - a JSON piano-roll corpus (music/repr/json_roll.h) with train/valid/test splits — the
//    bundled data/jsb-chorales-quarter.json or a Boulanger corpus. A file named
//    NAME_<split>.json is read together with its siblings NAME_train/_valid/_test.json
//    when they exist (the shared Boulanger corpora ship one file per split). Roll models
//    read the 88-key frames directly; token models turn each piece into a Score at
//    `steps_per_quarter` (music::repr::roll_piece_to_score) and tokenize it;
//  - a folder of MIDI files, split by file name (music::dataset::split_of, seed 0 so the
//    split never depends on the training seed). Token models stream the training split
//    through music::dataset::TokenStream; roll models read every file as a roll at
//    `steps_per_quarter`;
//  - for chorale models (DataKind::chorale, deepbach), a SATB-separated chorale JSON in the
//    format of Jsb16thSeparated.json (models/deepbach/chorale_grid.h). A training batch
//    is deepbach::random_chorale_batch with batch index = position, evaluation
//    deepbach::eval_chorale_batches (every voice-step once); `length`, `eval_length` and
//    `steps_per_quarter` do not apply (the window is the model's), transposition is
//    refused (it would leave the voices' ranges);
//  - for multi-track bar models (DataKind::bars, musegan), a folder of multitrack MIDI
//    files, split by file name like the MIDI folders above, every file cut into phrases
//    of the model's bars (models/gan/musegan_data.h); batch.inputs are the phrases
//    [B, 5, bars, steps, pitches]. `length`, `eval_length` and `steps_per_quarter` do not
//    apply, transposition is refused. There is no default corpus;
//  - for trio models (DataKind::trio, music_vae with tokenizer "trio"), a folder of
//    multitrack MIDI files, split by file name, every file's trio (music/repr/trio.h) in
//    memory with its windows of `length` steps (whole 4/4 bars in which melody, bass and
//    drums all play, music/repr/trio_windows.h). Batch p holds batch_size windows drawn
//    with an RNG seeded by (seed, p); evaluation walks a split's windows that do not
//    overlap, in order. targets = inputs = the windows' tokens, mask all ones.
//    `eval_length` does not apply (a window is the model's segment), transposition is
//    refused (the drums have no pitch), steps_per_quarter must be the trio grid's (4).
//
// Training batches are numbered 0, 1, 2, ...; batch p depends only on the data, the
// options and p, and `position()` (batches consumed) is what a checkpoint records so a
// resumed run sees the same batches as an uninterrupted one. In-memory corpora compute
// batch p directly; the MIDI stream replays itself up to p.
//
// Sequences: a training window holds `length` + 1 steps; inputs are steps [0, length),
// targets steps [1, length] (step t predicts t + 1). Token targets are -100 where padded and
// the mask is 1 exactly where a target is real. A performance-token model whose config
// turns on note_density / pitch_histogram gets Batch.condition (models/lstm/
// performance_condition.h), computed over each window: a window's last seconds see
// density and histogram windows cut short by the window's end.
// Evaluation cuts every sequence of a split, in order, into consecutive windows that
// overlap by one step, so each step after the first is predicted exactly once. Every roll
// piece starts with one added silent frame, in training and evaluation alike, so that its
// first real frame is predicted too (every frame counts, as in Boulanger-Lewandowski).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/model.h"
#include "music/dataset/skipped_files.h"

namespace cadenza::models {

struct DataOptions {
  std::filesystem::path path;    // JSON roll corpus or folder of MIDI files
  int64_t batch_size = 16;
  int64_t length = 64;           // training window: steps (tokens or frames) per row
  int64_t eval_length = 0;       // evaluation window; 0: whole pieces for rolls, `length` for tokens
  int steps_per_quarter = 0;     // roll grid <-> Score; 0: from the file name (see below)
  int max_transpose = 0;         // random transposition of training pieces, semitones either way
  uint64_t seed = 0;
  bool strict_data = false;      // an unreadable file of the corpus is an error, not skipped
};

// The grid of a roll corpus guessed from its file name: "quarter" 1, "8th" 2, otherwise 4
// (16th notes, and MIDI folders).
int default_steps_per_quarter(const std::filesystem::path& path);

// JSON round trip; from_json rejects unknown keys and nonsense values with the key named.
nlohmann::json to_json(const DataOptions& o);
void update_from_json(DataOptions& o, const nlohmann::json& j);
void validate(const DataOptions& o);

// The bundled corpus for a data kind (models/bundled_data.h says where it is found):
// `jsb-chorales-quarter.json`, or for chorale models `Jsb16thSeparated.json`. Bar and trio models have none: it throws, saying to pass --data.
std::filesystem::path default_corpus_path(DataKind kind = DataKind::tokens);

// What one counted step of a data kind is, for messages: "token", "frame", "voice-step",
// "trio-step" (one grid step of all three parts; its NLL is their sum).
const char* step_unit(DataKind kind);

// A validation result in words: "valid NLL 3.2100 nats/token, accuracy 0.412"; for
// MuseGAN's bars, whose loss is the critic's gap E[D(fake)] − E[D(real)] and not a
// likelihood, it says that instead.
std::string describe_validation(DataKind kind, double loss, double accuracy);

enum class DataSplit { train, valid, test };
DataSplit parse_data_split(const std::string& name);  // "train", "valid", "test"

// The batch with every defined tensor copied to `device` (datasets build batches on the
// host; the trainer moves them next to the model).
Batch to_device(const Batch& batch, Device device);

class Dataset {
 public:
  // Reads (or, for a MIDI stream, lists) the corpus for `model`'s data kind and tokenizer.
  // Throws naming the path when it is missing, unreadable or has no training pieces.
  Dataset(const Model& model, DataOptions options);
  ~Dataset();
  Dataset(Dataset&&) noexcept;

  // Training batch number position(), then advances.
  Batch next_train_batch();
  int64_t position() const;
  void seek(int64_t position);

  // The windows of a split, in order, batch by batch (at most max_batches; 0: all).
  // Throws if the corpus has no such split.
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn,
                           int64_t max_batches = 0) const;
  bool has_split(DataSplit split) const;

  const DataOptions& options() const { return options_; }
  // The corpus files left out so far (unreadable, or with nothing the model can read),
  // each reported on stderr when first met; a MIDI stream meets its files as it trains.
  const music::dataset::SkippedFiles& skipped() const { return *skipped_; }

  class Source;  // in-memory corpus or MIDI stream (data.cpp)

 private:
  DataOptions options_;
  std::unique_ptr<music::dataset::SkippedFiles> skipped_;  // before source_, which points to it
  std::unique_ptr<Source> source_;
};

}  // namespace cadenza::models
