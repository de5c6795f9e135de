// The last steps of a corpus store build: the index of every shard's pieces, the list of
// skipped files and the config that marks the store complete.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>

#include "music/corpus/store_builder.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::corpus {

struct StoreCounts {
  size_t pieces = 0;
  uint64_t tokens = 0;
  std::array<size_t, 3> split_pieces{};  // by dataset::Split
  std::array<uint64_t, 3> split_tokens{};
};

// Writes index.bin and skipped.tsv from shards 0..shards-1 of `store`.
StoreCounts write_index(const std::filesystem::path& store, size_t shards, uint32_t token_bytes,
                        const dataset::SplitFractions& fractions, uint64_t split_seed);

// Writes config.json (see docs/MUSIC.md for its keys); holds nothing that differs between
// two builds of the same inputs (no paths, no times, no thread counts).
void write_config(const std::filesystem::path& store, const repr::Tokenizer& tokenizer, uint32_t token_bytes,
                  const BuildOptions& options, const BuildReport& report, const StoreCounts& counts);

// A hash of every token's name: a store only serves a tokenizer that names tokens the same.
uint64_t vocab_hash(const repr::Tokenizer& tokenizer);

}  // namespace cadenza::music::corpus
