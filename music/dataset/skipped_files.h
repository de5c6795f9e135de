#pragma once
// The files a corpus reader leaves out, and why. Nothing is skipped silently: the first
// few are reported on stderr as they are met ("cadenza: warning: data: skipped FILE:
// REASON"), the rest only counted, and summary() gives the total for the end of a run.
// In strict mode (`--strict-data`) the first unreadable file is an error instead.
#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace cadenza::music::dataset {

struct SkippedFile {
  std::filesystem::path file;
  std::string reason;
};

class SkippedFiles {
 public:
  explicit SkippedFiles(bool strict = false, size_t reported = 5) : strict_(strict), reported_(reported) {}

  // Records `file` as left out (reporting it if it is among the first few); throws
  // instead when strict. A file met again (a stream's next epoch) is counted once.
  void add(const std::filesystem::path& file, const std::string& reason);

  size_t count() const { return count_; }
  bool strict() const { return strict_; }
  const std::vector<SkippedFile>& first() const { return first_; }  // the reported ones
  // "" when none; else "N files skipped (the first: FILE: REASON; ...)".
  std::string summary() const;

 private:
  bool strict_;
  size_t reported_;
  size_t count_ = 0;
  std::vector<SkippedFile> first_;
  std::set<std::filesystem::path> seen_;
};

}  // namespace cadenza::music::dataset
