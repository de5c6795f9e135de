#include "models/bundled_data.h"

#include <cstdlib>
#include <vector>

#include "engine/error.h"

namespace cadenza::models {
namespace fs = std::filesystem;

namespace {

// One bundled folder: its environment override, its two configured places, and a file it
// always holds (how a candidate folder is recognised).
struct BundledFolder {
  const char* env;
  fs::path source, installed;
  const char* marker;
  const char* what;  // for the error: "the bundled corpora", "the model zoo"
  const char* otherwise;
};

fs::path find(const BundledFolder& f) {
  if (const char* env = std::getenv(f.env); env && *env) {
    CADENZA_CHECK(fs::exists(fs::path(env) / f.marker), "{}={}: {} is not there (no {})", f.env, env, f.what, f.marker);
    return env;
  }
  for (const fs::path& dir : {f.source, f.installed})
    if (fs::exists(dir / f.marker)) return dir;
  fail("{} not found: neither {} (the source checkout) nor {} (the installed prefix) holds it; set {}{}", f.what,
       f.source.string(), f.installed.string(), f.env, f.otherwise);
}

}  // namespace

fs::path bundled_data_dir() {
  return find({"CADENZA_DATA_DIR", CADENZA_SOURCE_DATA_DIR, CADENZA_INSTALL_DATA_DIR, "jsb-chorales-quarter.json",
               "the bundled corpora", " or pass --data"});
}

fs::path bundled_data_file(const std::string& name) { return bundled_data_dir() / name; }

fs::path zoo_dir() {
  return find({"CADENZA_ZOO_DIR", CADENZA_SOURCE_ZOO_DIR, CADENZA_INSTALL_ZOO_DIR, "README.md", "the model zoo", ""});
}

}  // namespace cadenza::models
