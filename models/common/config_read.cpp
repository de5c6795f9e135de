#include "models/common/config_read.h"

#include "engine/error.h"

namespace cadenza::models {

int64_t config_int(const nlohmann::json& config, const std::string& model, const char* key, int64_t fallback,
                   int64_t lo) {
  if (!config.contains(key)) return fallback;
  const nlohmann::json& v = config[key];
  CADENZA_CHECK(v.is_number_integer(), "{}: config key '{}' must be an integer, got {}", model, key, v.dump());
  int64_t x = v.get<int64_t>();
  CADENZA_CHECK(x >= lo, "{}: config key '{}' must be >= {}, got {}", model, key, lo, x);
  return x;
}

double config_real(const nlohmann::json& config, const std::string& model, const char* key, double fallback, double lo,
                   double hi) {
  if (!config.contains(key)) return fallback;
  const nlohmann::json& v = config[key];
  CADENZA_CHECK(v.is_number(), "{}: config key '{}' must be a number, got {}", model, key, v.dump());
  double x = v.get<double>();
  CADENZA_CHECK(x >= lo && x < hi, "{}: config key '{}' must lie in [{}, {}), got {}", model, key, lo, hi, x);
  return x;
}

bool config_bool(const nlohmann::json& config, const std::string& model, const char* key, bool fallback) {
  if (!config.contains(key)) return fallback;
  const nlohmann::json& v = config[key];
  CADENZA_CHECK(v.is_boolean(), "{}: config key '{}' must be true or false, got {}", model, key, v.dump());
  return v.get<bool>();
}

}  // namespace cadenza::models
