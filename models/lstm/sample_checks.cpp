#include "models/lstm/sample_checks.h"

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

}  // namespace cadenza::models
