#include "tests/support/test_data.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/skip.h"

namespace cadenza::test {
namespace fs = std::filesystem;

fs::path test_data(const std::string& sub) { return fs::path(CADENZA_SOURCE_DIR) / "tests" / "data" / sub; }

fs::path corpus(const std::string& sub) {
  const char* env = std::getenv("CADENZA_CORPORA");
  const fs::path root = env && *env ? fs::path(env) : fs::path(CADENZA_SHARED_DATA);
  const fs::path path = root / sub;
  if (!fs::exists(path))
    skip_test(path.string() + " is not here (set CADENZA_CORPORA to the folder of the public corpora)");
  return path;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out.flush()) throw std::runtime_error(path.string() + ": cannot write");
}

}  // namespace cadenza::test
