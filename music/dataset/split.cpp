#include "music/dataset/split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "music/dataset/rng.h"

namespace cadenza::music::dataset {

Split parse_split(const std::string& name) {
  if (name == "train") return Split::kTrain;
  if (name == "valid") return Split::kValid;
  if (name == "test") return Split::kTest;
  throw std::invalid_argument(fmt::format("unknown split '{}' (train, valid, test)", name));
}

Split split_of(const std::string& name, const SplitFractions& fractions, uint64_t seed) {
  const double u = static_cast<double>(stable_hash(name, seed) >> 11) * 0x1.0p-53;
  if (u < fractions.test) return Split::kTest;
  if (u < fractions.test + fractions.valid) return Split::kValid;
  return Split::kTrain;
}

std::vector<std::filesystem::path> midi_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw std::runtime_error(fmt::format("{}: not a directory", dir.string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (ext == ".mid" || ext == ".midi") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::filesystem::path> midi_files(const std::filesystem::path& dir, Split split,
                                              const SplitFractions& fractions, uint64_t seed) {
  std::vector<std::filesystem::path> out;
  for (auto& f : midi_files(dir))
    if (split_of(std::filesystem::relative(f, dir).generic_string(), fractions, seed) == split) out.push_back(f);
  return out;
}

}  // namespace cadenza::music::dataset
