// The on-disk layout of a corpus store (a folder; docs/MUSIC.md describes it for users).
// All integers are little-endian; the magics make a store written on a big-endian host,
// or a file that is not one, fail to open instead of being misread.
//
//   shard-NNNNN.bin  one per block of `files_per_shard` input files (in sorted order):
//                    [tokens: `tokens` x token_bytes, zero-padded to 8 bytes]
//                    [entries: `pieces` x IndexEntry]
//                    [log: one line per input file of the block][ShardFooter]
//   index.bin        IndexHeader, then every shard's entries in shard order
//   skipped.tsv      FILE<TAB>REASON for every file left out (not readable, no notes, ...)
//   config.json      the tokenizer, the counts and the splits; written last, so a store
//                    without it is incomplete (a build was interrupted: rerun it)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "music/dataset/rng.h"
#include "music/dataset/split.h"

namespace cadenza::music::corpus {

inline constexpr int kStoreVersion = 1;
inline constexpr char kStoreFormat[] = "cadenza-corpus-store";
inline constexpr char kShardMagic[8] = {'C', 'D', 'Z', 'S', 'H', 'R', 'D', '1'};
inline constexpr char kIndexMagic[8] = {'C', 'D', 'Z', 'I', 'N', 'D', 'X', '1'};
inline constexpr char kConfigFile[] = "config.json";
inline constexpr char kIndexFile[] = "index.bin";
inline constexpr char kSkippedFile[] = "skipped.tsv";

// One stored piece: where its tokens lie. `first_token` counts tokens within its shard.
struct IndexEntry {
  uint64_t hash = 0;  // note_content_hash of the piece
  uint64_t first_token = 0;
  uint32_t length = 0;  // tokens
  uint32_t shard = 0;
};
static_assert(sizeof(IndexEntry) == 24);

struct ShardFooter {
  uint64_t fingerprint = 0;  // of the block's inputs and every block before it (see builder)
  uint64_t tokens = 0;
  uint32_t pieces = 0;
  uint32_t log_bytes = 0;
  uint32_t token_bytes = 0;
  uint32_t files = 0;  // input files of the block
  char magic[8] = {};
  bool valid() const { return std::memcmp(magic, kShardMagic, 8) == 0; }
  uint64_t token_section() const { return (tokens * token_bytes + 7) / 8 * 8; }  // zero-padded
  uint64_t expected_size() const {
    return token_section() + uint64_t{pieces} * sizeof(IndexEntry) + log_bytes + sizeof(ShardFooter);
  }
};
static_assert(sizeof(ShardFooter) == 40);

struct IndexHeader {
  char magic[8] = {};
  uint64_t pieces = 0;
  uint64_t tokens = 0;
  uint32_t shards = 0;
  uint32_t token_bytes = 0;
};
static_assert(sizeof(IndexHeader) == 32);

inline std::string shard_file_name(size_t shard) {
  std::string digits = std::to_string(shard);
  if (digits.size() < 5) digits.insert(0, 5 - digits.size(), '0');
  return "shard-" + digits + ".bin";
}

// Tokens take 2 bytes when the vocabulary allows, else 4.
inline uint32_t token_bytes_for(int32_t vocab_size) { return vocab_size <= 65536 ? 2 : 4; }

// A piece's split follows from its content hash alone (and the seed), so adding files to
// a corpus never moves a piece between train, valid and test.
inline dataset::Split split_of_hash(uint64_t hash, const dataset::SplitFractions& fractions, uint64_t seed) {
  const double u = static_cast<double>(dataset::Rng(hash ^ seed).next() >> 11) * 0x1.0p-53;
  if (u < fractions.test) return dataset::Split::kTest;
  if (u < fractions.test + fractions.valid) return dataset::Split::kValid;
  return dataset::Split::kTrain;
}

}  // namespace cadenza::music::corpus
