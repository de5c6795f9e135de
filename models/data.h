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
//  - a corpus store (music/corpus/store.h), for token models whose tokenizer is the
//    store's: training streams the train split through music::corpus::StoreStream, and
//    evaluation reads the store's valid and test splits (models/token_stream_source.h);
//  - whatever a family with data of its own reads: its registry entry builds the source
//    (models/family.h, models/data_source.h) — deepbach's SATB chorale JSON
//    (models/deepbach/chorale_source.h), musegan's multitrack bars (models/gan/
//    bars_source.h), music_vae's trios (models/vae/trio_source.h), a plugin's format.
//    Each says there how it cuts windows and which options apply.
//
// Training batches are numbered 0, 1, 2, ...; batch p depends only on the data, the
// options and p, and `position()` (batches consumed) is what a checkpoint records so a
// resumed run sees the same batches as an uninterrupted one. In-memory corpora compute
// batch p directly; the MIDI stream replays itself up to p.
//
// Sequences: a training window holds `length` + 1 steps; inputs are steps [0, length),
// targets steps [1, length] (step t predicts t + 1). Token targets are -100 where padded and
// the mask is 1 exactly where a target is real. A token family may add a per-step
// condition (models/data_stages.h's TokenCondition; Performance RNN's note density and
// pitch histogram, models/lstm/performance_condition.h) as Batch.condition, computed over
// each window: a window's last seconds see
// density and histogram windows cut short by the window's end.
// Evaluation cuts every sequence of a split into consecutive windows of `eval_length`
// (default: `length`) + 1 steps that overlap by one step, so each step after the first is
// predicted exactly once; a batch never holds more than batch_size windows, however long
// the pieces (MuseData's run to 3,723 frames). For a recurrent model (an EvalSession that
// carries_state(), models/model.h) up to batch_size sequences are walked side by side:
// row b of a batch is the next window of one sequence, and Batch.carry names the row of
// the previous batch that sequence was in (-1 for its first window), so the session
// carries its state along and the windows' summed NLL is the whole sequence's. Otherwise
// the windows come in corpus order and each is scored alone: music_transformer's first
// target in a window sees one token of context, its last eval_length (eval_length 512 on
// a model trained on 64 gives it more); music_vae encodes each window as one segment with
// its own latent code, so nothing would carry. A condition
// is computed over the whole piece, so an evaluation window's rows are the
// piece's. Every roll piece starts with one added silent frame, in training and
// evaluation alike, so that its first real frame is predicted too (every frame counts,
// as in Boulanger-Lewandowski). The shared stages live in models/data_stages.h and
// models/data_windows.h.
//
// Training needs a train split. A Dataset read for evaluation only (DataUse::eval) needs
// only the split it evaluates: a file that holds nothing but a test split is fine.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "models/model.h"
#include "music/dataset/skipped_files.h"

namespace cadenza::models {

class DataSource;  // models/data_source.h

struct DataOptions {
  std::filesystem::path path;  // JSON roll corpus, folder of MIDI files or corpus store
  int64_t batch_size = 16;
  int64_t length = 64;        // training window: steps (tokens or frames) per row
  int64_t eval_length = 0;    // evaluation window: steps per row and batch; 0: `length`
  int steps_per_quarter = 0;  // roll grid <-> Score; 0: from the file name (see below)
  int max_transpose = 0;      // random transposition of training pieces, semitones either way
  uint64_t seed = 0;
  bool strict_data = false;  // an unreadable file of the corpus is an error, not skipped
};

// The evaluation window: eval_length, or length when it is 0.
int64_t eval_window(const DataOptions& o);

// The grid of a roll corpus guessed from its file name: "quarter" 1, "8th" 2, otherwise 4
// (16th notes, and MIDI folders).
int default_steps_per_quarter(const std::filesystem::path& path);

// A corpus by its name alone: "/data/nottingham_train.json" -> "nottingham_train.json",
// "/data/freedoom/" -> "freedoom". What an exported model records of a corpus that is not
// bundled, since another machine's folders mean nothing.
std::string corpus_name(const std::filesystem::path& path);

// Points `data` at `path`. The run's own corpus, wherever it lies now (found by its name),
// keeps the run's grid; another corpus's grid is looked up again (0: from its name).
void use_corpus(DataOptions& data, const std::filesystem::path& path);

// JSON round trip; from_json rejects unknown keys and nonsense values with the key named.
nlohmann::json to_json(const DataOptions& o);
void update_from_json(DataOptions& o, const nlohmann::json& j);
void validate(const DataOptions& o);

enum class DataSplit { train, valid, test };

// What a Dataset is read for: training (a train split is required) or evaluation only.
enum class DataUse { train, eval };

// How for_each_eval_batch lays out token and roll windows (a family's own source may
// have fixed windows that come in order either way, without carry):
//  - in_order: the windows in corpus order, batch_size per batch, each a sequence of its
//    own, carry undefined (a model without carried state; MusicVAE's segments);
//  - carried: sequences side by side in lanes, Batch.carry linking a sequence's windows
//    (for an EvalSession that carries_state(); evaluate() in models/train.h picks it).
enum class EvalLayout { in_order, carried };
DataSplit parse_data_split(const std::string& name);  // "train", "valid", "test"

// The batch with every defined tensor copied to `device` (datasets build batches on the
// host; the trainer moves them next to the model).
Batch to_device(const Batch& batch, Device device);

class Dataset {
 public:
  // Reads (or, for a MIDI stream, lists) the corpus for `model`'s data kind and tokenizer.
  // Throws naming the path when it is missing or unreadable, or, for training, has no
  // training pieces.
  Dataset(const Model& model, DataOptions options, DataUse use = DataUse::train);
  ~Dataset();
  Dataset(Dataset&&) noexcept;

  // Training batch number position(), then advances. Throws without a train split.
  Batch next_train_batch();
  int64_t position() const;
  void seek(int64_t position);

  // The windows of a split, batch by batch (at most max_batches; 0: all), laid out as
  // `layout` says. Throws if the corpus has no such split.
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches = 0,
                           EvalLayout layout = EvalLayout::in_order) const;
  bool has_split(DataSplit split) const;

  const DataOptions& options() const { return options_; }
  // The corpus files left out so far (unreadable, or with nothing the model can read),
  // each reported on stderr when first met; a MIDI stream meets its files as it trains.
  const music::dataset::SkippedFiles& skipped() const { return *skipped_; }

 private:
  DataOptions options_;
  std::unique_ptr<music::dataset::SkippedFiles> skipped_;  // before source_, which points to it
  std::unique_ptr<DataSource> source_;
};

}  // namespace cadenza::models
