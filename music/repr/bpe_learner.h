// Learning byte-pair-encoding merges over music tokens (Sennrich et al. 2016 for words;
// Fradet et al. 2023, "Byte Pair Encoding for Symbolic Music", as miditok does it). A
// piece's base tokens are cut into words that merges never cross — REMI bars, performance
// time steps (bpe_word_starts) — and identical words are counted once with their
// multiplicity, so a corpus of repeated bars costs the size of its distinct bars.
//
// Each round merges the most frequent adjacent pair (ties: the smallest pair (left, right))
// into a new token, left to right within a word, non-overlapping — the order encoding
// replays (BpeTokenizer::apply). Counts are updated only where the merged pair occurred
// (every symbol sits in one linked array with an index from each pair to its positions,
// and a heap of counts invalidated lazily), so learning costs about the number of
// occurrences merged, not a rescan of the corpus per merge.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cadenza::music::repr {

using TokenPair = std::pair<int32_t, int32_t>;

// Where the words of `tokens` start (ascending, the first at 0 when not empty):
//   "remi"         at every BAR
//   "performance"  at the first event after a run of TIME_SHIFTs
// Throws std::invalid_argument for another base (BPE is defined over these two).
std::vector<size_t> bpe_word_starts(const std::string& base, std::span<const int32_t> tokens);

// The distinct words of a corpus and how often each occurs.
class WordCounts {
 public:
  void add_word(std::span<const int32_t> word, uint64_t count = 1);
  // Cuts a piece's base tokens into words (bpe_word_starts) and adds each.
  void add_piece(const std::string& base, std::span<const int32_t> tokens);

  struct Entry {
    std::vector<int32_t> word;
    uint64_t count = 0;
  };
  // In order of first appearance, so learning never depends on hash-table order.
  const std::vector<Entry>& words() const { return entries_; }
  uint64_t tokens() const { return tokens_; }  // sum over words of length x count

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // word bytes -> entry
  uint64_t tokens_ = 0;
};

struct BpeLearnResult {
  std::vector<TokenPair> merges;  // merge k makes token base_vocab + k
  uint64_t tokens_before = 0;     // the words' tokens, counted with multiplicity
  uint64_t tokens_after = 0;      // the same after every merge
};

// Learns merges until the vocabulary holds `vocab_size` tokens or no pair occurs at least
// `min_count` times. Words must hold tokens in [0, base_vocab); throws
// std::invalid_argument if one does not, or if vocab_size <= base_vocab.
BpeLearnResult learn_bpe(const WordCounts& words, int32_t base_vocab, int32_t vocab_size, uint64_t min_count = 2);

}  // namespace cadenza::music::repr
