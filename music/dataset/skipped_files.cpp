#include "music/dataset/skipped_files.h"

#include <fmt/format.h>

#include <stdexcept>

namespace cadenza::music::dataset {

void SkippedFiles::add(const std::filesystem::path& file, const std::string& reason) {
  if (strict_)
    throw std::runtime_error(
        fmt::format("{}: {} (--strict-data: every file of the corpus must be readable)", file.string(), reason));
  if (!seen_.insert(file).second) return;
  ++count_;
  if (first_.size() >= reported_) return;
  first_.push_back({file, reason});
  fmt::print(stderr, "cadenza: warning: data: skipped {}: {}\n", file.string(), reason);
  if (first_.size() == reported_)
    fmt::print(stderr, "cadenza: warning: data: further skipped files are only counted\n");
}

std::string SkippedFiles::summary() const {
  if (count_ == 0) return {};
  std::string s = fmt::format("{} file{} skipped (the first: ", count_, count_ == 1 ? "" : "s");
  for (size_t i = 0; i < first_.size(); ++i)
    s += fmt::format("{}{}: {}", i ? "; " : "", first_[i].file.filename().string(), first_[i].reason);
  return s + ")";
}

}  // namespace cadenza::music::dataset
