#include "music/repr/bpe_learner.h"

#include <fmt/format.h>

#include <algorithm>
#include <queue>
#include <stdexcept>

#include "music/repr/performance.h"
#include "music/repr/remi.h"

namespace cadenza::music::repr {

std::vector<size_t> bpe_word_starts(const std::string& base, std::span<const int32_t> tokens) {
  if (base != "remi" && base != "performance")
    throw std::invalid_argument(fmt::format("BPE is defined over remi or performance tokens, not {}", base));
  std::vector<size_t> starts;
  if (tokens.empty()) return starts;
  starts.push_back(0);
  if (base == "remi") {
    for (size_t i = 1; i < tokens.size(); ++i)
      if (tokens[i] == RemiTokenizer::kBar) starts.push_back(i);
  } else {
    auto is_shift = [](int32_t t) {
      return t >= PerformanceTokenizer::kTimeShift && t < PerformanceTokenizer::kVelocity;
    };
    for (size_t i = 1; i < tokens.size(); ++i)
      if (is_shift(tokens[i - 1]) && !is_shift(tokens[i])) starts.push_back(i);
  }
  return starts;
}

void WordCounts::add_word(std::span<const int32_t> word, uint64_t count) {
  if (word.empty() || count == 0) return;
  std::string key(reinterpret_cast<const char*>(word.data()), word.size_bytes());
  const auto [it, fresh] = index_.try_emplace(std::move(key), entries_.size());
  if (fresh) entries_.push_back({std::vector<int32_t>(word.begin(), word.end()), 0});
  entries_[it->second].count += count;
  tokens_ += word.size() * count;
}

void WordCounts::add_piece(const std::string& base, std::span<const int32_t> tokens) {
  const std::vector<size_t> starts = bpe_word_starts(base, tokens);
  for (size_t w = 0; w < starts.size(); ++w) {
    const size_t end = w + 1 < starts.size() ? starts[w + 1] : tokens.size();
    add_word(tokens.subspan(starts[w], end - starts[w]));
  }
}

namespace {

uint64_t key_of(int32_t a, int32_t b) { return uint64_t{static_cast<uint32_t>(a)} << 32 | static_cast<uint32_t>(b); }
int32_t left_of(uint64_t key) { return static_cast<int32_t>(key >> 32); }
int32_t right_of(uint64_t key) { return static_cast<int32_t>(key & 0xFFFFFFFFu); }

// Every word's symbols in one array, linked within the word; a merge keeps the left
// position and unlinks the right one, so positions stay valid for the pair index.
class Learner {
 public:
  Learner(const WordCounts& words, int32_t base_vocab) {
    for (size_t w = 0; w < words.words().size(); ++w) {
      const auto& e = words.words()[w];
      const auto first = static_cast<int32_t>(sym_.size());
      for (size_t i = 0; i < e.word.size(); ++i) {
        const int32_t t = e.word[i];
        if (t < 0 || t >= base_vocab)
          throw std::invalid_argument(
              fmt::format("BPE: token {} is outside the base vocabulary 0..{}", t, base_vocab - 1));
        sym_.push_back(t);
        count_.push_back(e.count);
        prev_.push_back(i == 0 ? -1 : first + static_cast<int32_t>(i) - 1);
        next_.push_back(i + 1 == e.word.size() ? -1 : first + static_cast<int32_t>(i) + 1);
      }
    }
    for (int32_t p = 0; p < static_cast<int32_t>(sym_.size()); ++p)
      if (next_[p] >= 0) add(p, sym_[p], sym_[next_[p]], count_[p]);
    for (const auto& [key, count] : pairs_) heap_.push({count, key});
  }

  // The most frequent pair occurring at least min_count times, or false.
  bool best(uint64_t min_count, uint64_t& key) {
    while (!heap_.empty()) {
      const Candidate top = heap_.top();
      heap_.pop();
      const auto it = pairs_.find(top.key);
      const uint64_t now = it == pairs_.end() ? 0 : it->second;
      if (now == 0) continue;
      if (now != top.count) {  // counts only fall after a push: requeue at the true count
        heap_.push({now, top.key});
        continue;
      }
      if (now < min_count) return false;
      key = top.key;
      return true;
    }
    return false;
  }

  // Replaces every occurrence of `key`, left to right within each word, by `z`.
  void merge(uint64_t key, int32_t z) {
    const int32_t a = left_of(key), b = right_of(key);
    std::vector<int32_t> at = std::move(where_[key]);
    where_.erase(key);
    std::sort(at.begin(), at.end());
    touched_.clear();
    for (const int32_t p : at) {
      const int32_t q = next_[p];
      if (sym_[p] != a || q < 0 || sym_[q] != b) continue;  // stale, or taken by the previous occurrence
      const uint64_t c = count_[p];
      remove(a, b, c);
      if (const int32_t l = prev_[p]; l >= 0) {
        remove(sym_[l], a, c);
        add(l, sym_[l], z, c);
      }
      if (const int32_t r = next_[q]; r >= 0) {
        remove(b, sym_[r], c);
        add(p, z, sym_[r], c);
      }
      sym_[p] = z;
      sym_[q] = -1;
      next_[p] = next_[q];
      if (next_[q] >= 0) prev_[next_[q]] = p;
    }
    pairs_.erase(key);
    for (const uint64_t k : touched_) heap_.push({pairs_[k], k});
  }

  uint64_t tokens() const {
    uint64_t n = 0;
    for (size_t p = 0; p < sym_.size(); ++p)
      if (sym_[p] >= 0) n += count_[p];
    return n;
  }

 private:
  struct Candidate {
    uint64_t count;
    uint64_t key;
    // Max-heap: the higher count first; among equal counts the smaller pair.
    bool operator<(const Candidate& o) const { return count != o.count ? count < o.count : key > o.key; }
  };

  void add(int32_t p, int32_t a, int32_t b, uint64_t c) {
    const uint64_t k = key_of(a, b);
    uint64_t& n = pairs_[k];
    if (n == 0) touched_.push_back(k);
    n += c;
    where_[k].push_back(p);
  }
  void remove(int32_t a, int32_t b, uint64_t c) {
    const auto it = pairs_.find(key_of(a, b));
    if (it == pairs_.end()) return;
    it->second -= std::min(it->second, c);
  }

  std::vector<int32_t> sym_, prev_, next_;  // sym -1: merged into its left neighbour
  std::vector<uint64_t> count_;             // the multiplicity of the word a position is in
  std::unordered_map<uint64_t, uint64_t> pairs_;
  std::unordered_map<uint64_t, std::vector<int32_t>> where_;  // may hold stale positions
  std::priority_queue<Candidate> heap_;
  std::vector<uint64_t> touched_;  // pairs created by the current merge
};

}  // namespace

BpeLearnResult learn_bpe(const WordCounts& words, int32_t base_vocab, int32_t vocab_size, uint64_t min_count) {
  if (vocab_size <= base_vocab)
    throw std::invalid_argument(
        fmt::format("BPE vocabulary {} must be larger than the base vocabulary {}", vocab_size, base_vocab));
  if (words.tokens() >= (uint64_t{1} << 31))
    throw std::length_error("BPE: the corpus has more than 2^31 distinct-word tokens; learn on a part of it");
  Learner learner(words, base_vocab);
  BpeLearnResult r;
  r.tokens_before = words.tokens();
  uint64_t key = 0;
  for (int32_t z = base_vocab; z < vocab_size && learner.best(std::max<uint64_t>(min_count, 1), key); ++z) {
    learner.merge(key, z);
    r.merges.push_back({left_of(key), right_of(key)});
  }
  r.tokens_after = learner.tokens();
  return r;
}

}  // namespace cadenza::music::repr
