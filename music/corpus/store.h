// A corpus store opened for reading (store_format.h): the index and the shards are
// memory-mapped, so opening costs the same for ten pieces or a million, and reading a
// window of a piece touches only its pages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "music/corpus/mapped_file.h"
#include "music/corpus/store_format.h"
#include "music/repr/tokenizer.h"

namespace cadenza::music::corpus {

// True if `dir` holds a complete store (its config.json names the format).
bool is_store(const std::filesystem::path& dir);

class Store {
 public:
  // Throws std::runtime_error if the store is incomplete (an interrupted build), of
  // another version, or inconsistent (an entry pointing outside its shard).
  explicit Store(const std::filesystem::path& dir);

  size_t size() const { return entries_.size(); }  // pieces
  uint64_t tokens() const { return header_.tokens; }
  size_t shards() const { return shards_.size(); }
  const std::string& tokenizer_name() const { return tokenizer_name_; }
  int32_t vocab_size() const { return vocab_size_; }
  // The tokenizer the store was built with; throws if it no longer names tokens the same.
  std::unique_ptr<repr::Tokenizer> make_tokenizer() const;
  // Its spec (repr/tokenizer_spec.h): the name, or a BPE tokenizer's object.
  const nlohmann::json& tokenizer_spec() const { return tokenizer_spec_; }
  const std::string& vocab_hash() const { return vocab_hash_; }  // 16 hex digits (store_index.h)
  const std::string& config_json() const { return config_json_; }

  // Each throws std::out_of_range for a piece >= size().
  uint64_t hash(size_t piece) const { return entry(piece).hash; }
  uint32_t length(size_t piece) const { return entry(piece).length; }
  dataset::Split split(size_t piece) const { return split_of_hash(entry(piece).hash, fractions_, split_seed_); }
  // The pieces of one split, in store order.
  std::vector<uint32_t> pieces_of(dataset::Split split) const;

  // Copies tokens [offset, offset + out.size()) of a piece into `out` (widened to int32).
  void read(size_t piece, size_t offset, std::span<int32_t> out) const;
  std::vector<int32_t> tokens(size_t piece) const;

 private:
  const IndexEntry& entry(size_t piece) const;

  std::filesystem::path dir_;
  std::string config_json_, tokenizer_name_, vocab_hash_;
  nlohmann::json tokenizer_spec_;
  int32_t vocab_size_ = 0;
  dataset::SplitFractions fractions_;
  uint64_t split_seed_ = 0;
  MappedFile index_;
  IndexHeader header_;
  std::span<const IndexEntry> entries_;
  std::vector<MappedFile> shards_;
};

}  // namespace cadenza::music::corpus
