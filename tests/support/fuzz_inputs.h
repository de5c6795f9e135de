// The inputs a fuzzer's regression test replays: every file under the given folders of the
// source tree (its committed seeds and the findings kept once fixed), read whole.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace cadenza::test {

struct FuzzInput {
  std::string name;  // relative to the source tree, for the failure message
  std::vector<uint8_t> bytes;
};

// Files whose name ends in `extension`, sorted by path; a missing folder holds none.
inline std::vector<FuzzInput> fuzz_inputs(std::initializer_list<const char*> folders, const std::string& extension) {
  const std::filesystem::path root(CADENZA_SOURCE_DIR);
  std::vector<std::filesystem::path> paths;
  for (const char* folder : folders) {
    if (!std::filesystem::is_directory(root / folder)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(root / folder))
      if (entry.is_regular_file() && entry.path().extension() == extension) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<FuzzInput> out;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    out.push_back({std::filesystem::relative(path, root).string(),
                   {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}});
  }
  return out;
}

}  // namespace cadenza::test
