#include "optim/checkpoint.h"

#include <fstream>

#include "engine/error.h"
#include "engine/serialize/atomic_file.h"
#include "engine/serialize/safetensors.h"

namespace cadenza::optim {
namespace {

constexpr const char* kFormat = "cadenza-checkpoint-1";

nn::StateDict with_prefix(const std::string& prefix, const serialize::TensorMap& all) {
  nn::StateDict out;
  for (const auto& [name, t] : all)
    if (name.starts_with(prefix)) out.emplace(name.substr(prefix.size()), t);
  return out;
}

int64_t metadata_int(const serialize::Metadata& m, const std::string& key, const std::string& source) {
  auto it = m.find(key);
  CADENZA_CHECK(it != m.end(), "{}: not a cadenza checkpoint (metadata lacks '{}')", source, key);
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    fail("{}: metadata '{}' = '{}' is not an integer", source, key, it->second);
  }
}

std::string optim_prefix(const std::string& name) { return name.empty() ? "optim." : "optim." + name + "."; }

NamedOptimizers one_optimizer(Optimizer* opt) {
  if (!opt) return {};
  return {{"", opt}};
}

}  // namespace

std::filesystem::path checkpoint_config_path(const std::filesystem::path& path) {
  return std::filesystem::path(path).replace_extension(".json");
}

void save_checkpoint(const std::filesystem::path& path, const nn::Module& model, const Optimizer* opt,
                     TrainingProgress progress, const Generator& rng, const nlohmann::json& config) {
  // Saving only reads the state (Optimizer::state_dict is const).
  save_checkpoint(path, model, one_optimizer(const_cast<Optimizer*>(opt)), progress, rng, config);
}

TrainingProgress load_checkpoint(const std::filesystem::path& path, nn::Module& model, Optimizer* opt, Generator& rng) {
  return load_checkpoint(path, model, one_optimizer(opt), rng);
}

void save_checkpoint(const std::filesystem::path& path, const nn::Module& model, const NamedOptimizers& opts,
                     TrainingProgress progress, const Generator& rng, const nlohmann::json& config) {
  serialize::TensorMap tensors;
  for (const auto& [name, t] : model.state_dict()) tensors.emplace("model." + name, t);
  for (const auto& [opt_name, opt] : opts)
    for (const auto& [name, t] : opt->state_dict()) tensors.emplace(optim_prefix(opt_name) + name, t);
  GeneratorState g = rng.state();
  serialize::Metadata meta{{"format", kFormat},
                           {"step", std::to_string(progress.step)},
                           {"data_position", std::to_string(progress.data_position)},
                           {"rng_seed", std::to_string(g.seed)},
                           {"rng_offset", std::to_string(g.offset)}};
  if (!config.is_null()) serialize::write_file_atomic(checkpoint_config_path(path), config.dump(2) + "\n");
  serialize::save_safetensors(path, tensors, meta);
}

TrainingProgress load_checkpoint(const std::filesystem::path& path, nn::Module& model, const NamedOptimizers& opts,
                                 Generator& rng) {
  serialize::SafetensorsFile file = serialize::load_safetensors(path);
  std::string source = path.string();
  auto format = file.metadata.find("format");
  CADENZA_CHECK(format != file.metadata.end() && format->second == kFormat,
                "{}: not a cadenza checkpoint (metadata 'format' is not {})", source, kFormat);
  TrainingProgress progress{metadata_int(file.metadata, "step", source),
                            metadata_int(file.metadata, "data_position", source)};
  GeneratorState g{static_cast<uint64_t>(metadata_int(file.metadata, "rng_seed", source)),
                   static_cast<uint64_t>(metadata_int(file.metadata, "rng_offset", source))};
  try {
    model.load_state_dict(with_prefix("model.", file.tensors));
    for (const auto& [opt_name, opt] : opts) opt->load_state_dict(with_prefix(optim_prefix(opt_name), file.tensors));
  } catch (const Error& e) {
    fail("{}: {}", source, e.what());
  }
  rng.set_state(g);
  return progress;
}

nlohmann::json load_checkpoint_config(const std::filesystem::path& path) {
  std::ifstream in(checkpoint_config_path(path));
  if (!in) return nullptr;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  CADENZA_CHECK(!j.is_discarded(), "{}: config is not valid JSON", checkpoint_config_path(path).string());
  return j;
}

}  // namespace cadenza::optim
