#include "models/family.h"

#include <fmt/format.h>

#include "engine/error.h"
#include "models/bundled_data.h"
#include "models/registry.h"
#include "models/train.h"

namespace cadenza::models {

const FamilyHooks& family_hooks(const Model& model) {
  static const FamilyHooks defaults;
  const ModelEntry* entry = find_model_entry(model.name());
  return entry ? entry->family : defaults;
}

std::string step_unit(const Model& model) {
  const FamilyHooks& f = family_hooks(model);
  if (f.step_unit) return f.step_unit(model);
  return model.tokenizer().empty() ? "frame" : "token";
}

std::string describe_validation(const Model& model, double loss, double accuracy) {
  const FamilyHooks& f = family_hooks(model);
  if (f.describe_validation) return f.describe_validation(model, EvalResult{loss, accuracy, 0});
  return fmt::format("valid NLL {:.4f} nats/{}, accuracy {:.3f}", loss, step_unit(model), accuracy);
}

bool tracks_best(const Model& model) { return family_hooks(model).tracks_best; }

std::optional<std::filesystem::path> bundled_corpus_path(const Model& model) {
  const FamilyHooks& f = family_hooks(model);
  return f.bundled_corpus ? f.bundled_corpus(model) : bundled_data_file("jsb-chorales-quarter.json");
}

std::filesystem::path default_corpus_path(const Model& model) {
  if (auto path = bundled_corpus_path(model)) return *path;
  fail("{} needs --data {}: no such corpus is bundled", model.name(), family_hooks(model).required_data);
}

EvalReport evaluate_report(Model& model, const Dataset& data, DataSplit split) {
  const FamilyHooks& f = family_hooks(model);
  if (f.evaluate) return f.evaluate(model, data, split);
  EvalReport report;
  report.result = evaluate(model, data, split);
  return report;
}

}  // namespace cadenza::models
