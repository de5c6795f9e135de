#include "models/registry.h"

#include <fmt/format.h>
#include <algorithm>

#include "engine/error.h"
#include "engine/registration.h"

namespace cadenza::models {
namespace {
std::vector<ModelEntry>& entries() {
  static std::vector<ModelEntry> e;
  return e;
}
}  // namespace

void register_model(ModelEntry entry) {
  if (std::any_of(entries().begin(), entries().end(), [&](const ModelEntry& e) { return e.name == entry.name; }))
    return registration_failed(fmt::format("model '{}' is registered twice", entry.name));
  entries().push_back(std::move(entry));
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& e : entries()) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

const ModelEntry* find_model_entry(const std::string& name) {
  for (const auto& e : entries())
    if (e.name == name) return &e;
  return nullptr;
}

const ModelEntry& find_model(const std::string& name) {
  if (const ModelEntry* e = find_model_entry(name)) return *e;
  fail("unknown model '{}' (known: {})", name, fmt::join(model_names(), ", "));
}

std::shared_ptr<Model> make_model(const std::string& name, const std::string& preset, const nlohmann::json& overrides) {
  const ModelEntry& e = find_model(name);
  nlohmann::json config = e.preset(preset);
  config.merge_patch(overrides);
  return e.make(config);
}

}  // namespace cadenza::models
