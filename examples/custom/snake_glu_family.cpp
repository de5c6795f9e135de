// The "snake_glu" family's registry entry: besides its presets and factory, the data it
// reads and a figure of its own for `cadenza eval` (models/family.h), as any family —
// built in or a plugin — may bring them.
//
// Data: snake_glu predicts frame t + 1 from frame t alone, so it needs no windows. Its
// source cuts every piece of a roll corpus (JSON or MIDI folder, as the shared stages read
// them) into pairs of consecutive frames; a training batch is batch_size rows of `length`
// pairs drawn independently with an RNG seeded by (seed, batch), so neighbouring
// positions are no longer neighbouring frames of one piece; evaluation walks a split's
// pairs in order. Unlike the shared roll stage no silent frame is put before a piece: a
// pair is two real frames, so a piece of n frames gives n - 1 counted steps.
//
// Figure: key F1, the F1 score of the keys the model turns on (p > 1/2) against the keys
// that sound in the next frame, over the split's pairs.
#include <fmt/format.h>

#include "engine/autograd.h"
#include "engine/error.h"
#include "examples/custom/snake_glu_model.h"
#include "models/data_stages.h"
#include "models/data_windows.h"
#include "models/registry.h"
#include "models/train.h"
#include "music/dataset/rng.h"
#include "ops/ops.h"

namespace cadenza::example {
namespace {

using music::repr::RollPiece;

class FramePairSource final : public models::DataSource {
 public:
  FramePairSource(const models::DataOptions& o, models::DataUse use, music::dataset::SkippedFiles& skipped) : o_(o) {
    for (auto& [split, pieces] : models::load_roll_splits(o, skipped))
      for (RollPiece& piece : pieces) {
        // model_roll's silent first frame dropped again: pairs are of real frames.
        RollPiece frames = models::model_roll(std::move(piece));
        frames.erase(frames.begin());
        for (size_t t = 0; t + 1 < frames.size(); ++t) pairs_[split].push_back({frames[t], frames[t + 1]});
      }
    CADENZA_CHECK(use == models::DataUse::eval || has_split(models::DataSplit::train),
                  "{}: snake_glu found no pair of frames to train on", o.path.string());
  }

  models::Batch next() override {
    const std::vector<RollPiece>& pairs = pairs_.at(models::DataSplit::train);
    music::dataset::Rng rng(models::batch_seed(o_.seed, position++));
    std::vector<const RollPiece*> rows;
    for (int64_t i = 0; i < o_.batch_size * o_.length; ++i) rows.push_back(&pairs[rng.below(pairs.size())]);
    return batch(rows, o_.batch_size, o_.length);
  }
  void seek(int64_t p) override { position = p; }
  bool has_split(models::DataSplit s) const override { return pairs_.count(s) && !pairs_.at(s).empty(); }
  void for_each_eval_batch(models::DataSplit split, const std::function<void(const models::Batch&)>& fn,
                           int64_t max_batches, models::EvalLayout) const override {
    const std::vector<RollPiece>& pairs = pairs_.at(split);
    const int64_t per_row = models::eval_window(o_), per_batch = o_.batch_size * per_row;
    int64_t emitted = 0;
    for (size_t start = 0; start < pairs.size() && (max_batches == 0 || emitted < max_batches); ++emitted) {
      std::vector<const RollPiece*> rows;
      for (; start < pairs.size() && int64_t(rows.size()) < per_batch; ++start) rows.push_back(&pairs[start]);
      // A last batch that does not fill its rows: one pair per row.
      const bool full = int64_t(rows.size()) == per_batch;
      fn(batch(rows, full ? o_.batch_size : int64_t(rows.size()), full ? per_row : 1));
    }
  }

 private:
  // rows * length pairs -> inputs frames [rows, length, 88], targets the frames after them.
  static models::Batch batch(const std::vector<const RollPiece*>& pairs, int64_t rows, int64_t length) {
    std::vector<RollPiece> windows;
    for (const RollPiece* p : pairs) windows.push_back(*p);
    models::Batch b = models::roll_batch(windows, 2);  // [rows * length, 1, 88]
    const int64_t K = b.inputs.size(2);
    return {reshape(b.inputs, {rows, length, K}), reshape(b.targets, {rows, length, K}),
            reshape(b.mask, {rows, length}), Tensor()};
  }

  models::DataOptions o_;
  std::map<models::DataSplit, std::vector<RollPiece>> pairs_;  // each two frames
};

models::EvalReport key_f1_report(models::Model& model, const models::Dataset& data, models::DataSplit split) {
  models::EvalReport report;
  report.result = models::evaluate(model, data, split);
  nn::EvalScope eval(model);
  NoGradGuard no_grad;
  double hits = 0, predicted = 0, sounding = 0;
  data.for_each_eval_batch(split, [&](const models::Batch& host) {
    const std::vector<float> logits =
        to(model.forward(models::to_device(host, model.device())), Device::cpu()).to_vector<float>();
    const std::vector<float> next = host.targets.to_vector<float>();
    for (size_t i = 0; i < logits.size(); ++i) {
      const bool on = logits[i] > 0, sounds = next[i] > 0.5f;
      hits += on && sounds, predicted += on, sounding += sounds;
    }
  });
  const double f1 = predicted + sounding > 0 ? 2 * hits / (predicted + sounding) : NAN;
  report.figures["key_f1"] = f1;
  report.text = fmt::format("key F1    {:.4f} (keys on at p > 1/2 against the keys of the next frame)\n", f1);
  return report;
}

nlohmann::json snake_glu_preset(const std::string& preset) {
  // The only preset: sized to train on the bundled JSB corpus in seconds.
  if (preset == "small") return {{"hidden", 128}, {"alpha", 1.0}, {"steps_per_quarter", 1}, {"train", {{"lr", 0.01}}}};
  fail("snake_glu: unknown preset '{}' (known: small)", preset);
}

models::FamilyHooks snake_glu_family() {
  models::FamilyHooks f;
  f.data_source = [](const models::Model&, const models::DataOptions& o, models::DataUse use,
                     music::dataset::SkippedFiles& skipped) -> std::unique_ptr<models::DataSource> {
    return std::make_unique<FramePairSource>(o, use, skipped);
  };
  f.step_unit = [](const models::Model&) -> std::string { return "frame-pair"; };
  f.evaluate = key_f1_report;
  return f;
}

const models::ModelRegistrar snake_glu_registrar{{
    .name = "snake_glu",
    .description = "example (examples/custom): GLU + snake activation next-frame model on pairs of 88-key frames",
    .preset = snake_glu_preset,
    .make = [](const nlohmann::json& c) -> std::shared_ptr<models::Model> {
      return std::make_shared<SnakeGluModel>(c);
    },
    .family = snake_glu_family(),
}};

}  // namespace
}  // namespace cadenza::example
