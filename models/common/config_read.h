#pragma once
// Reading a family's JSON config: every key has a default from the preset, and a wrong
// type or out-of-range value throws one line naming the model and the key.
#include <nlohmann/json.hpp>
#include <string>

namespace cadenza::models {

// config[key] as an integer >= lo; absent -> fallback.
int64_t config_int(const nlohmann::json& config, const std::string& model, const char* key, int64_t fallback,
                   int64_t lo);
// config[key] as a number in [lo, hi); absent -> fallback.
double config_real(const nlohmann::json& config, const std::string& model, const char* key, double fallback, double lo,
                   double hi);
bool config_bool(const nlohmann::json& config, const std::string& model, const char* key, bool fallback);

}  // namespace cadenza::models
