// BPE checks shared by the quick suite (tests/data) and the `corpus` label (the full
// public corpora): learning over a folder, and the lossless round trip.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "music/repr/bpe.h"

namespace cadenza::music::test {

// A BPE tokenizer over `base` learned from every MIDI file of `folder`, reaching `vocab`.
std::unique_ptr<repr::BpeTokenizer> learn_bpe_on(const std::filesystem::path& folder, const std::string& base,
                                                 int32_t vocab);

// Every .mid/.midi file under `dir` (recursively), sorted.
std::vector<std::filesystem::path> midi_files_under(const std::filesystem::path& dir);

struct RoundTripCount {
  size_t checked = 0;    // files the strict reader accepts, each round-tripped
  size_t shortened = 0;  // of them, those BPE made shorter
};

// For every file the strict reader accepts: expand(encode) is the base encoding, and
// decode(encode) the base's decode(encode), field by field.
RoundTripCount check_bpe_round_trip(const repr::BpeTokenizer& bpe, const std::vector<std::filesystem::path>& files);

}  // namespace cadenza::music::test
