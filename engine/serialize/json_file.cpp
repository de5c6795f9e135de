#include "engine/serialize/json_file.h"

#include <fstream>

#include "engine/error.h"

namespace cadenza::serialize {

nlohmann::json read_json_object(const std::filesystem::path& path) {
  CADENZA_CHECK(std::filesystem::exists(path), "{}: missing", path.string());
  std::ifstream in(path);
  CADENZA_CHECK(in.good(), "{}: cannot read", path.string());
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  CADENZA_CHECK(j.is_object(), "{}: not a JSON object", path.string());
  return j;
}

}  // namespace cadenza::serialize
