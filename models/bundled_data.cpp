#include "models/bundled_data.h"

#include <cstdlib>
#include <vector>

#include "engine/error.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {
// A file every bundled data folder holds: how a candidate folder is recognised.
constexpr const char* kMarker = "jsb-chorales-quarter.json";
}  // namespace

fs::path bundled_data_dir() {
  if (const char* env = std::getenv("CADENZA_DATA_DIR"); env && *env) {
    CADENZA_CHECK(fs::exists(fs::path(env) / kMarker), "CADENZA_DATA_DIR={}: no bundled corpus there (no {})", env,
                  kMarker);
    return env;
  }
  const std::vector<fs::path> candidates = {CADENZA_SOURCE_DATA_DIR, CADENZA_INSTALL_DATA_DIR};
  for (const fs::path& dir : candidates)
    if (fs::exists(dir / kMarker)) return dir;
  fail(
      "the bundled corpora are in neither {} (the source checkout) nor {} (the installed prefix); set "
      "CADENZA_DATA_DIR or pass --data",
      candidates[0].string(), candidates[1].string());
}

fs::path bundled_data_file(const std::string& name) { return bundled_data_dir() / name; }

}  // namespace cadenza::models
