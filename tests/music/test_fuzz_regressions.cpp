// Replays every input kept in tests/music/regressions/ (crashes the fuzzer found, once
// fixed, and a minimised sample of its corpus) through the fuzzer's own checks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "music/fuzz/midi_fuzz_check.h"

TEST_CASE("fuzzer regression inputs are refused cleanly or round-trip", "[midi][fuzz]") {
  const auto dir = std::filesystem::path(CADENZA_SOURCE_DIR) / "tests/music/regressions";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".mid") continue;
    INFO(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(cadenza::music::fuzz::midi_bytes_survive(bytes));
    ++files;
  }
  CHECK(files > 0);
}
