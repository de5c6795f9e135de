#include "music/corpus/file_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace cadenza::music::corpus {
namespace fs = std::filesystem;

namespace {
bool is_midi_name(const std::string& ext) {
  std::string e = ext;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == ".mid" || e == ".midi";
}
}  // namespace

FileList::FileList(const fs::path& folder) : folder_(folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw std::runtime_error(fmt::format("{}: not a directory", folder.string()));
  for (const auto& entry : fs::recursive_directory_iterator(folder, ec)) {
    if (!entry.is_regular_file() || !is_midi_name(entry.path().extension().string())) continue;
    const std::string name = entry.path().lexically_relative(folder).generic_string();
    spans_.emplace_back(chars_.size(), static_cast<uint32_t>(name.size()));
    chars_ += name;
  }
  if (ec) throw std::runtime_error(fmt::format("{}: {}", folder.string(), ec.message()));
  std::sort(spans_.begin(), spans_.end(), [&](const auto& a, const auto& b) {
    return std::string_view(chars_.data() + a.first, a.second) < std::string_view(chars_.data() + b.first, b.second);
  });
  chars_.shrink_to_fit();
  spans_.shrink_to_fit();
}

}  // namespace cadenza::music::corpus
