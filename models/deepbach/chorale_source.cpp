#include "models/deepbach/chorale_source.h"

#include "engine/error.h"
#include "models/deepbach/chorale_batch.h"
#include "models/deepbach/deepbach.h"

namespace cadenza::models::deepbach {
namespace {

// Chorale models (deepbach): the SATB grids of every split in memory, encoded with the
// model's voice ranges; batch p is random_chorale_batch(..., p), so seek is exact. Training
// windows are transposed within the voice ranges by up to max_transpose semitones.
class ChoraleSource final : public DataSource {
 public:
  ChoraleSource(const DeepBach& model, const DataOptions& o, DataUse use)
      : window_(model.settings().window), ranges_(model.settings().ranges), o_(o) {
    for (auto& [key, chorales] : load_separated_chorales(o.path)) {
      std::vector<ChoraleGrid>& grids = splits_[parse_data_split(key)];
      for (const auto& c : chorales)
        if (!c.empty()) grids.push_back(encode_chorale(c, model.settings().ranges));
    }
    CADENZA_CHECK(use == DataUse::eval || has_split(DataSplit::train), "{}: no training chorales", o.path.string());
  }

  Batch next() override {
    return random_chorale_batch(splits_.at(DataSplit::train), window_, o_.batch_size, o_.seed, position++, ranges_,
                                o_.max_transpose);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(DataSplit s) const override { return splits_.count(s) && !splits_.at(s).empty(); }
  void for_each_eval_batch(DataSplit split, const std::function<void(const Batch&)>& fn, int64_t max_batches,
                           EvalLayout) const override {
    for_each_eval_chorale_batch(splits_.at(split), window_, o_.batch_size, fn, max_batches);
  }

 private:
  int64_t window_;
  VoiceRanges ranges_;
  DataOptions o_;
  std::map<DataSplit, std::vector<ChoraleGrid>> splits_;
};

}  // namespace

std::unique_ptr<DataSource> make_chorale_source(const Model& model, const DataOptions& o, DataUse use,
                                                music::dataset::SkippedFiles&) {
  const auto* deepbach = dynamic_cast<const DeepBach*>(&model);
  CADENZA_CHECK(deepbach, "model '{}' reads chorales, but only deepbach models know the chorale grid", model.name());
  return std::make_unique<ChoraleSource>(*deepbach, o, use);
}

}  // namespace cadenza::models::deepbach
