#pragma once
// The model zoo: trained models that ship with cadenza, one folder each in zoo_dir()
// (models/bundled_data.h). A zoo model is a run directory reduced to what sampling and
// evaluation need — config.json and a weights-only checkpoint.safetensors (`cadenza
// export`) — with its model card (README.md), a sample (sample.mid, .png, .wav) and
// card.json, which `cadenza models` lists:
//
//   {"summary": "one line", "corpus": "JSB Chorales (bundled)", "license": "..."}
//
// A zoo name is taken wherever a run directory is: resolve_checkpoint (models/run_dir.h)
// falls back to the zoo for a name that is not a path on disk.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cadenza::models {

struct ZooModel {
  std::string name;  // the folder's name
  std::filesystem::path dir;
  std::string family;  // config.json's "model"
  std::string summary, corpus, license;
  uint64_t checkpoint_bytes = 0;
};

// Every model of the zoo, by name; throws if the zoo is not found or an entry is broken
// (no config.json, checkpoint or card.json), naming it.
std::vector<ZooModel> zoo_models();

// The zoo folder of `name` when it is a plain name (no '/', not "." or "..") of a zoo
// model; nullopt otherwise, also when there is no zoo.
std::optional<std::filesystem::path> find_zoo_model(const std::string& name);

}  // namespace cadenza::models
