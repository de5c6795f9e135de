#include "music/corpus/store_index.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/serialize/atomic_file.h"
#include "music/corpus/shard_file.h"
#include "music/repr/tokenizer_spec.h"

namespace cadenza::music::corpus {
namespace fs = std::filesystem;

StoreCounts write_index(const fs::path& store, size_t shards, uint32_t token_bytes,
                        const dataset::SplitFractions& fractions, uint64_t split_seed) {
  auto open = [&](size_t k) {
    auto shard = open_shard(store / shard_file_name(k));
    if (!shard || shard->footer.token_bytes != token_bytes)
      throw std::runtime_error(fmt::format("corpus store: {} is missing or torn", shard_file_name(k)));
    return std::move(*shard);
  };
  // The header first, from the footers; then the entries, one shard mapped at a time.
  IndexHeader header;
  std::memcpy(header.magic, kIndexMagic, 8);
  header.shards = static_cast<uint32_t>(shards);
  header.token_bytes = token_bytes;
  for (size_t k = 0; k < shards; ++k) {
    const ShardView shard = open(k);
    header.pieces += shard.footer.pieces;
    header.tokens += shard.footer.tokens;
  }
  serialize::AtomicFile index(store / kIndexFile);
  index.write(&header, sizeof header);
  StoreCounts counts;
  std::string skipped;
  for (size_t k = 0; k < shards; ++k) {
    const ShardView shard = open(k);
    index.write(shard.entries.data(), shard.entries.size_bytes());
    for (const IndexEntry& e : shard.entries) {
      const auto split = static_cast<size_t>(split_of_hash(e.hash, fractions, split_seed));
      ++counts.split_pieces[split];
      counts.split_tokens[split] += e.length;
    }
    counts.pieces += shard.entries.size();
    counts.tokens += shard.footer.tokens;
    for_each_log_line(shard.log, [&](std::string_view status, std::string_view name, std::string_view reason) {
      if (status == "skipped") skipped += fmt::format("{}\t{}\n", name, reason);
    });
  }
  index.commit();
  serialize::write_file_atomic(store / kSkippedFile, skipped);
  return counts;
}

uint64_t vocab_hash(const repr::Tokenizer& tokenizer) {
  uint64_t h = dataset::stable_hash(tokenizer.name(), static_cast<uint64_t>(tokenizer.vocab_size()));
  for (int32_t t = 0; t < tokenizer.vocab_size(); ++t) h = dataset::stable_hash(tokenizer.token_name(t), h);
  return h;
}

void write_config(const fs::path& store, const repr::Tokenizer& tokenizer, uint32_t token_bytes,
                  const BuildOptions& options, const BuildReport& report, const StoreCounts& counts) {
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const repr::TokenPart& p : tokenizer.parts()) parts.push_back({{"name", p.name}, {"classes", p.classes}});
  nlohmann::ordered_json j;
  j["format"] = kStoreFormat;
  j["version"] = kStoreVersion;
  j["tokenizer"] = {{"name", tokenizer.name()},
                    {"vocab_size", tokenizer.vocab_size()},
                    {"parts", parts},
                    {"vocab_hash", fmt::format("{:016x}", vocab_hash(tokenizer))}};
  // A learned tokenizer travels with the store, so training and evaluation need no other file.
  if (const nlohmann::json spec = repr::tokenizer_spec(tokenizer); !spec.is_string()) j["tokenizer"]["bpe"] = spec;
  j["token_bytes"] = token_bytes;
  j["files_per_shard"] = options.files_per_shard;
  j["shards"] = report.shards;
  j["files"] = report.files;
  j["pieces"] = counts.pieces;
  j["tokens"] = counts.tokens;
  j["duplicates"] = report.duplicates;
  j["skipped"] = report.skipped;
  const char* names[] = {"train", "valid", "test"};
  nlohmann::ordered_json pieces, tokens;
  for (size_t s = 0; s < 3; ++s) {
    pieces[names[s]] = counts.split_pieces[s];
    tokens[names[s]] = counts.split_tokens[s];
  }
  j["splits"] = {{"valid", options.fractions.valid},
                 {"test", options.fractions.test},
                 {"seed", options.split_seed},
                 {"pieces", pieces},
                 {"tokens", tokens}};
  serialize::write_file_atomic(store / kConfigFile, j.dump(2) + "\n");
}

}  // namespace cadenza::music::corpus
