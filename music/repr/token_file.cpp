#include "music/repr/token_file.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "engine/serialize/atomic_file.h"

namespace cadenza::music::repr {

namespace {
constexpr const char* kMagic = "cadenza-tokens";
}

TokenFile read_token_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot open {}", path.string()));
  std::string magic;
  TokenFile file;
  if (!(in >> magic >> file.representation) || magic != kMagic)
    throw std::runtime_error(
        fmt::format("{}: not a token file (expected '{} <representation>')", path.string(), kMagic));
  std::string word;
  while (in >> word) {
    size_t used = 0;
    long value = 0;
    try {
      value = std::stol(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != word.size() || value < 0 || value > INT32_MAX)
      throw std::runtime_error(fmt::format("{}: '{}' is not a token id", path.string(), word));
    file.tokens.push_back(static_cast<int32_t>(value));
  }
  return file;
}

void write_token_file(const TokenFile& file, const std::filesystem::path& path) {
  std::string text = fmt::format("{} {}\n", kMagic, file.representation);
  for (size_t i = 0; i < file.tokens.size(); ++i)
    fmt::format_to(std::back_inserter(text), "{}{}", file.tokens[i], (i + 1) % 32 == 0 ? '\n' : ' ');
  text += '\n';
  serialize::write_file_atomic(path, text);
}

}  // namespace cadenza::music::repr
