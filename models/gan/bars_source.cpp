#include "models/gan/bars_source.h"

#include "engine/error.h"
#include "models/gan/musegan.h"
#include "models/gan/musegan_data.h"
#include "music/dataset/rng.h"

namespace cadenza::models {
namespace fs = std::filesystem;
namespace ds = music::dataset;

namespace {

// Multi-track bars (musegan): every split's phrases in memory, sparse
// (models/gan/musegan_data.h); batch p holds batch_size phrases drawn with an RNG seeded
// by (seed, p), so seek is exact. Evaluation walks a split's phrases in order.
class BarsSource final : public DataSource {
 public:
  BarsSource(const MuseGan& model, const DataOptions& o, DataUse use, ds::SkippedFiles& skipped) : o_(o) {
    const MuseGanConfig& c = model.gan_config();
    CADENZA_CHECK(c.tracks == kMuseGanTracks, "musegan: the MIDI data gives {} tracks, the model has {}",
                  kMuseGanTracks, c.tracks);
    CADENZA_CHECK(o.max_transpose == 0, "{}: musegan bars are not transposed (max_transpose {})", o.path.string(),
                  o.max_transpose);
    CADENZA_CHECK(fs::is_directory(o.path), "{}: musegan reads a folder of multitrack MIDI files, not a file",
                  o.path.string());
    bars_ = {.bars = c.bars, .steps_per_bar = c.steps, .lowest_pitch = c.lowest_pitch, .pitches = c.pitches};
    for (DataSplit s : kDataSplits)
      for (const fs::path& file : ds::midi_files(o.path, dataset_split(s), {}, 0)) try {
          for (auto& phrase : musegan_phrases(file, bars_)) splits_[s].push_back(std::move(phrase));
        } catch (const std::exception& e) {
          skipped.add(file, e.what());
        }
    CADENZA_CHECK(use == DataUse::eval || has_split(DataSplit::train),
                  "{}: no training phrase with notes (want multitrack MIDI files)", o.path.string());
  }

  Batch next() override {
    const auto& phrases = splits_.at(DataSplit::train);
    ds::Rng rng(batch_seed(o_.seed, position++));
    std::vector<const MuseGanPhrase*> rows;
    for (int64_t b = 0; b < o_.batch_size; ++b) rows.push_back(&phrases[rng.below(phrases.size())]);
    return {musegan_bars(rows, bars_), Tensor(), Tensor(), Tensor()};
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                           EvalLayout) const override {
    const auto& phrases = splits_.at(split);
    int64_t emitted = 0;
    for (size_t start = 0; start < phrases.size() && (max_batches == 0 || emitted < max_batches); ++emitted) {
      std::vector<const MuseGanPhrase*> rows;
      for (; start < phrases.size() && int64_t(rows.size()) < o_.batch_size; ++start) rows.push_back(&phrases[start]);
      fn({musegan_bars(rows, bars_), Tensor(), Tensor(), Tensor()});
    }
  }

 private:
  DataOptions o_;
  MuseGanDataOptions bars_;
  std::map<DataSplit, std::vector<MuseGanPhrase>> splits_;
};

}  // namespace

std::unique_ptr<DataSource> make_bars_source(const Model& model, const DataOptions& o, DataUse use,
                                             ds::SkippedFiles& skipped) {
  const auto* gan = dynamic_cast<const MuseGan*>(&model);
  CADENZA_CHECK(gan, "model '{}' reads multi-track bars, but only musegan models know their layout", model.name());
  return std::make_unique<BarsSource>(*gan, o, use, skipped);
}

}  // namespace cadenza::models
