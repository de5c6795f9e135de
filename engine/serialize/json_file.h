#pragma once
// Reading the small JSON files cadenza keeps beside its data (run configs, model cards,
// config patches): one place that says which file could not be read or parsed.
#include <filesystem>
#include <nlohmann/json.hpp>

namespace cadenza::serialize {

// The JSON object in `path`. Throws "<path>: missing", "<path>: cannot read" or
// "<path>: not a JSON object".
nlohmann::json read_json_object(const std::filesystem::path& path);

}  // namespace cadenza::serialize
