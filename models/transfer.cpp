#include "models/transfer.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "engine/error.h"
#include "optim/checkpoint.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {

bool in_group(const std::string& name, const std::string& group) {
  return name == group ||
         (name.size() > group.size() && name.compare(0, group.size(), group) == 0 && name[group.size()] == '.');
}

}  // namespace

RunSpec fine_tune_spec(const fs::path& init_from, const nlohmann::json& patch) {
  const auto [init_dir, ckpt] = resolve_checkpoint(init_from);
  const RunSpec init = load_run_spec(init_dir);
  CADENZA_CHECK(fs::exists(ckpt), "--init-from {}: no checkpoint.safetensors to start from", init_from.string());
  RunSpec spec = make_run_spec(init.model, init.preset, nullptr);
  spec.config = init.config;  // the architecture must be the checkpoint's
  if (!patch.is_null()) {
    RunSpec patched = make_run_spec(init.model, init.preset, patch);
    if (patch.contains("config")) spec.config.merge_patch(patch["config"]);
    spec.data = patched.data;
    spec.train = patched.train;
  }
  // Recorded where it is found from anywhere: the path given, or a zoo model's folder.
  spec.train.init_from = fs::absolute(fs::exists(init_from) ? init_from : init_dir).string();
  return spec;
}

void load_initial_weights(Model& model, const fs::path& init_from) {
  const auto [init_dir, ckpt] = resolve_checkpoint(init_from);
  const RunSpec init = load_run_spec(init_dir);
  CADENZA_CHECK(init.model == model.name(), "--init-from {}: holds a '{}' model, not '{}'", init_from.string(),
                init.model, model.name());
  try {
    Generator unused;  // the old run's RNG state is not carried over
    optim::load_checkpoint(ckpt, model, nullptr, unused);
  } catch (const std::exception& e) {
    fail("--init-from {}: {}", init_from.string(), e.what());
  }
}

std::vector<std::string> parse_groups(const std::string& list) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= list.size()) {
    size_t end = list.find(',', begin);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(begin, end - begin);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    CADENZA_CHECK(!item.empty(), "empty parameter group in '{}'", list);
    out.push_back(item);
    begin = end + 1;
  }
  return out;
}

std::vector<std::string> parameter_groups(const Model& model) {
  std::vector<std::string> groups;
  std::set<std::string> seen;
  for (const auto& [name, _] : model.named_parameters())
    for (size_t dot = name.find('.');; dot = name.find('.', dot + 1)) {
      const std::string prefix = name.substr(0, dot);
      if (seen.insert(prefix).second) groups.push_back(prefix);
      if (dot == std::string::npos) break;
    }
  return groups;
}

std::vector<Tensor> trainable_parameters(Model& model, const std::vector<std::string>& groups) {
  const nn::NamedTensors named = model.named_parameters();
  for (const std::string& g : groups) {
    const bool known = std::any_of(named.begin(), named.end(), [&](const auto& p) { return in_group(p.first, g); });
    CADENZA_CHECK(known, "--freeze: {} has no parameter group '{}' (groups: {})", model.name(), g,
                  fmt::join(parameter_groups(model), ", "));
  }
  std::vector<Tensor> trainable;
  for (const auto& [name, p] : named) {
    const bool frozen =
        std::any_of(groups.begin(), groups.end(), [&](const std::string& g) { return in_group(name, g); });
    Tensor param = p;
    param.set_requires_grad(!frozen);
    if (!frozen) trainable.push_back(p);
  }
  CADENZA_CHECK(!trainable.empty(), "--freeze {}: that freezes every parameter of {}; nothing would train",
                fmt::join(groups, ","), model.name());
  return trainable;
}

}  // namespace cadenza::models
