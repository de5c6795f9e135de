#include "models/vae/trio_source.h"

#include <span>

#include "engine/error.h"
#include "music/dataset/rng.h"
#include "music/repr/trio.h"
#include "music/repr/trio_windows.h"
#include "music/score/midi_convert.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;
namespace repr = music::repr;

namespace {

// Trio windows (music_vae's trio setting): every split's pieces in memory with their
// window starts; batch p draws batch_size (piece, start) pairs with an RNG seeded by
// (seed, p), so seek is exact. With max_transpose > 0 each training window's melody and
// bass move by a shift drawn uniformly from [-max_transpose, max_transpose] (after the
// windows, so a batch holds the same windows either way); the drums stay.
class TrioSource final : public DataSource {
 public:
  TrioSource(const DataOptions& o, DataUse use, ds::SkippedFiles& skipped) : o_(o) {
    CADENZA_CHECK(fs::is_directory(o.path), "{}: trio models read a folder of multitrack MIDI files, not a file",
                  o.path.string());
    CADENZA_CHECK(o.steps_per_quarter == tok_.config().steps_per_quarter(),
                  "{}: trios are on a grid of {} steps per quarter, not {}", o.path.string(),
                  tok_.config().steps_per_quarter(), o.steps_per_quarter);
    const int64_t bar = 4 * int64_t(o.steps_per_quarter);
    CADENZA_CHECK(o.length % bar == 0, "trio windows are whole 4/4 bars of {} steps; length {} is not", bar, o.length);
    const repr::TrioWindowOptions windows{.bars = o.length / bar};
    for (DataSplit s : kDataSplits)
      for (const fs::path& file : ds::midi_files(o.path, dataset_split(s), {}, 0)) try {
          repr::TrioPiece piece = repr::trio_piece(music::load_midi(file), tok_, windows);
          if (piece.window_starts.empty()) continue;
          for (int64_t start : piece.window_starts) windows_[s].push_back({pieces_.size(), start});
          pieces_.push_back(std::move(piece));
        } catch (const std::exception& e) {
          skipped.add(file, e.what());
        }
    CADENZA_CHECK(use == DataUse::eval || has_split(DataSplit::train),
                  "{}: no trio window in the training split (want {} bars of 4/4 where a melody track (GM program "
                  "0-31), a bass track (32-39) and drums (channel 10) all play)",
                  o.path.string(), windows.bars);
  }

  Batch next() override {
    const auto& windows = windows_.at(DataSplit::train);
    ds::Rng rng(batch_seed(o_.seed, position++));
    std::vector<Window> rows;
    for (int64_t b = 0; b < o_.batch_size; ++b) rows.push_back(windows[rng.below(windows.size())]);
    if (o_.max_transpose > 0)
      for (Window& w : rows) w.shift = int(rng.between(-o_.max_transpose, o_.max_transpose));
    return batch(rows);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return windows_.count(s) && !windows_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                           EvalLayout) const override {
    // Windows start at every bar; evaluation takes those that do not overlap, so each step
    // of the split counts once.
    std::vector<Window> rows;
    int64_t emitted = 0;
    size_t last_piece = SIZE_MAX;
    int64_t free_from = 0;
    for (const Window& w : windows_.at(split)) {
      if (max_batches > 0 && emitted == max_batches) return;
      if (w.piece == last_piece && w.start < free_from) continue;
      last_piece = w.piece, free_from = w.start + o_.length;
      rows.push_back(w);
      if (int64_t(rows.size()) == o_.batch_size) {
        fn(batch(rows));
        rows.clear();
        ++emitted;
      }
    }
    if (!rows.empty() && (max_batches == 0 || emitted < max_batches)) fn(batch(rows));
  }

 private:
  struct Window {
    size_t piece;
    int64_t start;
    int shift = 0;  // semitones for the melody and the bass
  };
  Batch batch(const std::vector<Window>& rows) const {
    const int64_t B = int64_t(rows.size()), L = o_.length;
    std::vector<int64_t> tokens;
    tokens.reserve(size_t(B * L));
    for (const Window& w : rows) {
      const std::span<const int32_t> t(pieces_[w.piece].tokens.data() + w.start, size_t(L));
      if (w.shift == 0)
        tokens.insert(tokens.end(), t.begin(), t.end());
      else
        for (int32_t token : tok_.transposed(t, w.shift)) tokens.push_back(token);
    }
    const Tensor x = Tensor::from_vector<int64_t>(tokens, {B, L});
    return {x, x, Tensor::ones({B, L}), Tensor()};
  }

  DataOptions o_;
  repr::TrioTokenizer tok_;
  std::vector<repr::TrioPiece> pieces_;
  std::map<DataSplit, std::vector<Window>> windows_;
};

}  // namespace

std::unique_ptr<DataSource> make_trio_source(const Model& model, const DataOptions& o, DataUse use,
                                             ds::SkippedFiles& skipped) {
  if (model.tokenizer() != "trio") return nullptr;
  return std::make_unique<TrioSource>(o, use, skipped);
}

}  // namespace cadenza::models
