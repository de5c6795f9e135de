#include "models/common/sample_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/error.h"

namespace cadenza::models {

void check_sample_options(const SampleOptions& o, const std::string& model) {
  CADENZA_CHECK(o.length >= 1, "{}: sample length must be at least 1, got {}", model, o.length);
  CADENZA_CHECK(std::isfinite(o.temperature) && o.temperature > 0, "{}: temperature must be > 0, got {}", model,
                o.temperature);
  CADENZA_CHECK(o.top_k >= 0, "{}: top_k must be >= 0 (0 = off), got {}", model, o.top_k);
  CADENZA_CHECK(o.top_p > 0 && o.top_p <= 1, "{}: top_p must lie in (0, 1] (1 = off), got {}", model, o.top_p);
  CADENZA_CHECK(o.beam >= 1, "{}: beam width must be at least 1, got {}", model, o.beam);
}

void check_controls(const SampleOptions& o, const std::string& model, const std::vector<std::string>& known) {
  if (o.controls.is_null()) return;
  CADENZA_CHECK(o.controls.is_object(), "{}: controls must be a JSON object, got {}", model, o.controls.dump());
  for (const auto& [key, _] : o.controls.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    if (known.empty()) fail("{}: this model takes no controls, got '{}'", model, key);
    fail("{}: this model takes no control '{}' (it takes: {})", model, key, fmt::join(known, ", "));
  }
}

}  // namespace cadenza::models
