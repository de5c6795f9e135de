#pragma once
// What the trainer, Dataset and `cadenza eval` ask of a model family beyond the Model
// interface (models/model.h). A family's registry entry (models/registry.h) carries the
// answers; every hook left empty means the shared behaviour of token and roll models, so
// a family that reads tokens or piano rolls registers none of them. The functions at the
// end answer for any model, defaults filled in (a model of no registered family gets the
// defaults).
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "models/data_source.h"

namespace cadenza::models {

// NLL and accuracy over (part of) a split: nats per counted step (models/train.h's
// evaluate()).
struct EvalResult {
  double nll = NAN;
  double accuracy = NAN;
  double steps = 0;
};

// `cadenza eval --checkpoint` of a likelihood model: the shared figures, and a family's own.
struct EvalReport {
  EvalResult result;
  nlohmann::json figures = nlohmann::json::object();  // beside "nll" and "accuracy" in --json
  std::string nll_note, accuracy_note;                // after the NLL and the accuracy line
  std::string text;                                   // lines after the NLL and accuracy
};

// A family whose evaluation is no likelihood (musegan's critic gap) measures samples
// instead, against the corpus: `cadenza eval` gives it the run's model and data and the
// options the user set, and prints what it returns.
struct SampleEvalRequest {
  Model& model;
  DataOptions data;
  std::optional<std::string> split;  // --split, when given
  std::optional<int64_t> samples;    // --samples, when given
};
struct SampleEvalReport {
  nlohmann::json json;  // merged into --json's output
  std::string text;     // printed after "<model> at step <n>: "
};

// What --data must name for the multitrack families (no multitrack corpus is bundled:
// MuseGAN's LPD-5 is far too large to ship).
inline constexpr const char* kMultitrackData = "FOLDER of multitrack MIDI files (e.g. ../shared/data/freedoom_music)";

struct FamilyHooks {
  // The family's own data; returning nullptr (a config that reads tokens or rolls) falls
  // back to the shared stages, as does leaving it empty.
  DataSourceFactory data_source;
  // What one counted step is, for messages ("voice-step"); default "token", or "frame"
  // for a model without a tokenizer.
  std::function<std::string(const Model&)> step_unit;
  // A validation result in words; default "valid NLL 3.2100 nats/token, accuracy 0.412".
  std::function<std::string(const Model&, const EvalResult&)> describe_validation;
  // Whether validation is a likelihood, so that the best checkpoint and patience apply.
  bool tracks_best = true;
  // The bundled corpus used when none is given, or nullopt for a model none is bundled for
  // (then `required_data` says what --data must name); default jsb-chorales-quarter.json.
  std::function<std::optional<std::filesystem::path>(const Model&)> bundled_corpus;
  std::string required_data;  // e.g. "FOLDER of multitrack MIDI files (e.g. ...)"
  // One evaluation pass giving the shared figures and the family's; default evaluate().
  std::function<EvalReport(Model&, const Dataset&, DataSplit)> evaluate;
  // Set for a family whose evaluation is no likelihood: replaces the NLL pass.
  std::function<SampleEvalReport(const SampleEvalRequest&)> evaluate_samples;
};

// The family hooks of `model` (its registry entry's), or the defaults.
const FamilyHooks& family_hooks(const Model& model);

std::string step_unit(const Model& model);
std::string describe_validation(const Model& model, double loss, double accuracy);
bool tracks_best(const Model& model);
// The family's bundled corpus for `model`, if it has one.
std::optional<std::filesystem::path> bundled_corpus_path(const Model& model);
// The same, or an error saying which --data the model needs.
std::filesystem::path default_corpus_path(const Model& model);
EvalReport evaluate_report(Model& model, const Dataset& data, DataSplit split);

}  // namespace cadenza::models
