#pragma once
// Model families by name. Each family registers a factory and its presets ("small" that
// trains on a 2-core machine in minutes, "paper" with the published sizes), and what the
// trainer and `cadenza eval` ask of it beyond the Model interface (models/family.h): its
// own data source and evaluation, when it has them.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/family.h"
#include "models/model.h"

namespace cadenza::models {

struct ModelEntry {
  std::string name;
  std::string description;
  // Full config of a preset; unknown preset names throw, listing the known ones.
  std::function<nlohmann::json(const std::string& preset)> preset;
  std::function<std::shared_ptr<Model>(const nlohmann::json& config)> make;
  FamilyHooks family{};  // empty hooks: the shared token and roll behaviour
};

void register_model(ModelEntry entry);
// Throws "unknown model 'x' (known: a, b, c)".
const ModelEntry& find_model(const std::string& name);
// nullptr when no family of that name is registered.
const ModelEntry* find_model_entry(const std::string& name);
std::vector<std::string> model_names();

// preset(name) with `overrides` merged in (JSON merge patch); then make().
std::shared_ptr<Model> make_model(const std::string& name, const std::string& preset,
                                  const nlohmann::json& overrides = nlohmann::json::object());

struct ModelRegistrar {
  explicit ModelRegistrar(ModelEntry e) { register_model(std::move(e)); }
};

}  // namespace cadenza::models
