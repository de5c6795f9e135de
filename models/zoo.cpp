#include "models/zoo.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "engine/serialize/json_file.h"
#include "models/bundled_data.h"
#include "models/run_dir.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {

std::string text(const nlohmann::json& card, const char* key, const fs::path& path) {
  CADENZA_CHECK(card.contains(key) && card[key].is_string(), "{}: no \"{}\" string", path.string(), key);
  return card[key].get<std::string>();
}

ZooModel read_entry(const fs::path& dir) {
  ZooModel m;
  m.name = dir.filename().string();
  m.dir = dir;
  m.family = load_run_spec(dir).model;
  const fs::path card_path = dir / "card.json";
  const nlohmann::json card = serialize::read_json_object(card_path);
  m.summary = text(card, "summary", card_path);
  m.corpus = text(card, "corpus", card_path);
  m.license = text(card, "license", card_path);
  const fs::path ckpt = checkpoint_path(dir);
  CADENZA_CHECK(fs::is_regular_file(ckpt), "{}: missing", ckpt.string());
  m.checkpoint_bytes = fs::file_size(ckpt);
  return m;
}

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

std::vector<ZooModel> zoo_models() {
  std::vector<ZooModel> out;
  for (const fs::directory_entry& e : fs::directory_iterator(zoo_dir()))
    if (e.is_directory()) out.push_back(read_entry(e.path()));
  std::sort(out.begin(), out.end(), [](const ZooModel& a, const ZooModel& b) { return a.name < b.name; });
  return out;
}

std::optional<fs::path> find_zoo_model(const std::string& name) {
  if (!is_plain_name(name)) return std::nullopt;
  fs::path dir;
  try {
    dir = zoo_dir() / name;
  } catch (const std::exception&) {
    return std::nullopt;  // no zoo here: the name is then only a (missing) path
  }
  if (!fs::exists(dir / "config.json")) return std::nullopt;
  return dir;
}

}  // namespace cadenza::models
