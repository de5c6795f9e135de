// The MIDI files of a folder tree as relative paths held in one buffer, sorted bytewise:
// a corpus of a million files costs its characters, not a million path objects, so the
// memory of a build hardly grows with the corpus.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cadenza::music::corpus {

class FileList {
 public:
  // Every .mid/.midi file (any case) under `folder`, recursively; throws if it is not a folder.
  explicit FileList(const std::filesystem::path& folder);

  size_t size() const { return spans_.size(); }
  std::string_view name(size_t i) const {
    return {chars_.data() + spans_[i].first, spans_[i].second};
  }  // '/'-separated
  std::filesystem::path path(size_t i) const { return folder_ / name(i); }

 private:
  std::filesystem::path folder_;
  std::string chars_;
  std::vector<std::pair<uint64_t, uint32_t>> spans_;  // offset and length in chars_
};

}  // namespace cadenza::music::corpus
