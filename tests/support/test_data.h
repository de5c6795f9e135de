#pragma once
// Where the tests find their data.
//  - test_data(): small files bundled in tests/data (a MIDI parser corpus, a few Freedoom
//    tracks, each folder with its license): always present, used by the README's test command.
//  - corpus(): the larger public corpora (the full Freedoom set, the Boulanger-Lewandowski
//    rolls, the JSB variants) from $CADENZA_CORPORA, else the ../shared/data folder beside
//    the checkout. Only tests labelled `corpus` use it; when the folder is absent the test
//    is skipped (tests/support/skip.h), never passed.
#include <filesystem>
#include <string>

namespace cadenza::test {

std::filesystem::path test_data(const std::string& sub = "");
std::filesystem::path corpus(const std::string& sub);

// The bytes of a file ("" when it cannot be read).
std::string read_bytes(const std::filesystem::path& path);
// Writes `bytes` to `path` (test set-up; throws if it cannot).
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

}  // namespace cadenza::test
