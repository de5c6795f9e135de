#include "music/corpus/store.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "music/corpus/store_index.h"
#include "music/repr/tokenizer_spec.h"

namespace cadenza::music::corpus {
namespace fs = std::filesystem;
namespace {

std::string read_text(const fs::path& path) {
  const MappedFile file(path);
  return {reinterpret_cast<const char*>(file.bytes().data()), file.size()};
}

[[noreturn]] void bad_store(const fs::path& dir, const std::string& why) {
  throw std::runtime_error(fmt::format("{}: not a usable corpus store: {}", dir.string(), why));
}

}  // namespace

bool is_store(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / kConfigFile, ec)) return false;
  try {
    return nlohmann::json::parse(read_text(dir / kConfigFile)).value("format", "") == kStoreFormat;
  } catch (const std::exception&) {
    return false;
  }
}

Store::Store(const fs::path& dir) : dir_(dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / kConfigFile, ec))
    bad_store(dir, fmt::format("no {} (an interrupted build? run `cadenza corpus build` again)", kConfigFile));
  config_json_ = read_text(dir / kConfigFile);
  try {
    const auto j = nlohmann::json::parse(config_json_);
    if (j.at("format") != kStoreFormat) bad_store(dir, "another format");
    if (j.at("version") != kStoreVersion) bad_store(dir, fmt::format("version {}", j.at("version").dump()));
    tokenizer_name_ = j.at("tokenizer").at("name").get<std::string>();
    vocab_size_ = j.at("tokenizer").at("vocab_size").get<int32_t>();
    vocab_hash_ = j.at("tokenizer").at("vocab_hash").get<std::string>();
    tokenizer_spec_ = j.at("tokenizer").value("bpe", nlohmann::json(tokenizer_name_));
    fractions_.valid = j.at("splits").at("valid").get<double>();
    fractions_.test = j.at("splits").at("test").get<double>();
    split_seed_ = j.at("splits").at("seed").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    bad_store(dir, fmt::format("{}: {}", kConfigFile, e.what()));
  }
  index_ = MappedFile(dir / kIndexFile);
  const auto bytes = index_.bytes();
  if (bytes.size() < sizeof(IndexHeader)) bad_store(dir, "index too short");
  std::memcpy(&header_, bytes.data(), sizeof header_);
  if (std::memcmp(header_.magic, kIndexMagic, 8) != 0) bad_store(dir, "index magic");
  if (header_.token_bytes != token_bytes_for(vocab_size_)) bad_store(dir, "index token width");
  if ((bytes.size() - sizeof(IndexHeader)) / sizeof(IndexEntry) != header_.pieces ||
      (bytes.size() - sizeof(IndexHeader)) % sizeof(IndexEntry) != 0)
    bad_store(dir, "index size does not match its piece count");
  entries_ = {reinterpret_cast<const IndexEntry*>(bytes.data() + sizeof(IndexHeader)), header_.pieces};
  shards_.reserve(header_.shards);
  std::vector<uint64_t> shard_tokens;
  for (uint32_t k = 0; k < header_.shards; ++k) {
    shards_.emplace_back(dir / shard_file_name(k));
    const auto b = shards_.back().bytes();
    ShardFooter f;
    if (b.size() < sizeof f) bad_store(dir, shard_file_name(k) + " too short");
    std::memcpy(&f, b.data() + b.size() - sizeof f, sizeof f);
    if (!f.valid() || f.token_bytes != header_.token_bytes || f.tokens > b.size() || f.expected_size() != b.size())
      bad_store(dir, shard_file_name(k) + " torn or of another store");
    shard_tokens.push_back(f.tokens);
  }
  // Every read below stays inside its shard: check each entry once, here.
  for (const IndexEntry& e : entries_)
    if (e.shard >= shard_tokens.size() || e.first_token > shard_tokens[e.shard] ||
        e.length > shard_tokens[e.shard] - e.first_token)
      bad_store(dir, "an index entry points outside its shard");
}

std::unique_ptr<repr::Tokenizer> Store::make_tokenizer() const {
  std::unique_ptr<repr::Tokenizer> tokenizer;
  try {
    tokenizer = repr::tokenizer_from_spec(tokenizer_spec_);
  } catch (const std::invalid_argument& e) {
    bad_store(dir_, e.what());
  }
  if (tokenizer->name() != tokenizer_name_ || tokenizer->vocab_size() != vocab_size_ ||
      fmt::format("{:016x}", corpus::vocab_hash(*tokenizer)) != vocab_hash_)
    bad_store(dir_, fmt::format("built with another version of the {} tokenizer", tokenizer_name_));
  return tokenizer;
}

std::vector<uint32_t> Store::pieces_of(dataset::Split which) const {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (split(i) == which) out.push_back(static_cast<uint32_t>(i));
  return out;
}

const IndexEntry& Store::entry(size_t piece) const {
  if (piece >= entries_.size())
    throw std::out_of_range(fmt::format("corpus store: piece {} of {}", piece, entries_.size()));
  return entries_[piece];
}

void Store::read(size_t piece, size_t offset, std::span<int32_t> out) const {
  const IndexEntry& e = entry(piece);
  if (offset > e.length || out.size() > e.length - offset)
    throw std::out_of_range(
        fmt::format("corpus store: tokens {}..{} of a piece of {}", offset, offset + out.size(), e.length));
  const uint8_t* p = shards_[e.shard].bytes().data() + (e.first_token + offset) * header_.token_bytes;
  if (header_.token_bytes == 2) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[2 * i] | (p[2 * i + 1] << 8);
  } else {
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int32_t>(uint32_t{p[4 * i]} | uint32_t{p[4 * i + 1]} << 8 | uint32_t{p[4 * i + 2]} << 16 |
                                    uint32_t{p[4 * i + 3]} << 24);
  }
  // A store is data from disk: a model must never see a token outside its vocabulary.
  for (const int32_t t : out)
    if (t < 0 || t >= vocab_size_)
      throw std::runtime_error(fmt::format("{}: token {} outside the vocabulary", dir_.string(), t));
}

std::vector<int32_t> Store::tokens(size_t piece) const {
  std::vector<int32_t> out(entry(piece).length);
  read(piece, 0, out);
  return out;
}

}  // namespace cadenza::music::corpus
