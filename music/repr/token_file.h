// Token files (".tok"): plain text, the first line "cadenza-tokens <representation>",
// then the token ids separated by whitespace. Human-readable and diffable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cadenza::music::repr {

struct TokenFile {
  std::string representation;  // "melody", "performance" or "remi"
  std::vector<int32_t> tokens;
};

TokenFile read_token_file(const std::filesystem::path& path);
void write_token_file(const TokenFile& file, const std::filesystem::path& path);

}  // namespace cadenza::music::repr
