// A byte-pair-encoding tokenizer over a base tokenizer (remi or performance): the base
// tokens keep their ids 0..B-1, and merge k (bpe_learner.h) makes token B + k, which
// stands for the base tokens of its pair. encode = the base encoding with the merges
// applied within each word, in the order learned; decode = every token expanded to its
// base tokens, then the base decoding. So decode(encode(s)) == base.decode(base.encode(s))
// for every score, and expand(apply(t)) == t for every base sequence.
//
// A BPE file (JSON, written atomically) holds all there is:
//   {"format": "cadenza-bpe", "version": 1, "base": "remi", "base_vocab_size": 273,
//    "vocab_size": 1000, "merges": [[left, right], ...]}
// Reading checks every field: merge k may only name tokens below B + k, no pair twice,
// and the sizes must agree with the base tokenizer of this build.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "music/repr/bpe_learner.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::repr {

class BpeTokenizer final : public Tokenizer {
 public:
  // Throws std::invalid_argument for a base BPE is not defined over or a bad merge list.
  BpeTokenizer(std::unique_ptr<Tokenizer> base, std::vector<TokenPair> merges);
  // The JSON object above; throws std::invalid_argument naming what is wrong.
  static std::unique_ptr<BpeTokenizer> from_json(const nlohmann::json& j);
  nlohmann::ordered_json to_json() const;

  std::string name() const override { return "bpe-" + base_->name(); }
  int32_t vocab_size() const override { return base_->vocab_size() + static_cast<int32_t>(merges_.size()); }
  std::vector<int32_t> encode(const Score& score) const override;
  Score decode(std::span<const int32_t> tokens) const override;
  std::string token_name(int32_t token) const override;  // merged: the base names joined by '+'

  // Base tokens -> BPE tokens, and back (tokens outside the vocabulary throw).
  std::vector<int32_t> apply(std::span<const int32_t> base_tokens) const;
  std::vector<int32_t> expand(std::span<const int32_t> tokens) const;

  const Tokenizer& base() const { return *base_; }
  const std::vector<TokenPair>& merges() const { return merges_; }

 private:
  void apply_to_word(std::vector<int32_t>& word) const;

  std::unique_ptr<Tokenizer> base_;
  std::vector<TokenPair> merges_;
  std::unordered_map<uint64_t, int32_t> rank_;   // pair -> merge index
  std::vector<std::vector<int32_t>> expansion_;  // merged token B + k -> its base tokens
};

// A BPE file; both throw std::runtime_error naming the path and the fault.
std::unique_ptr<BpeTokenizer> load_bpe(const std::filesystem::path& path);
void save_bpe(const BpeTokenizer& tokenizer, const std::filesystem::path& path);

}  // namespace cadenza::music::repr
