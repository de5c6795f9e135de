// Writing one shard of a corpus store, and reading back what a finished shard holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/serialize/atomic_file.h"
#include "music/corpus/mapped_file.h"
#include "music/corpus/store_format.h"

namespace cadenza::music::corpus {

// Streams a shard's tokens through an AtomicFile (buffered, so memory holds one buffer,
// not the shard); finish() appends the entries, the log and the footer and commits.
class ShardWriter {
 public:
  ShardWriter(const std::filesystem::path& path, uint32_t shard, uint32_t token_bytes);
  void add_piece(uint64_t hash, std::span<const int32_t> tokens);
  void add_log(const std::string& line);  // one line about one input file, without '\n'
  void finish(uint64_t fingerprint, uint32_t files);

 private:
  void put(const void* data, size_t n);
  void flush();

  serialize::AtomicFile file_;
  uint32_t shard_, token_bytes_;
  uint64_t tokens_ = 0;
  std::vector<IndexEntry> entries_;
  std::string log_;
  std::vector<uint8_t> buffer_;
};

// A finished shard, mapped: its footer, entries, tokens and log, all checked against the
// file's size. nullopt if the file is missing, torn or not a shard.
struct ShardView {
  MappedFile file;
  ShardFooter footer;
  std::span<const IndexEntry> entries;
  std::span<const uint8_t> tokens;  // footer.tokens x footer.token_bytes
  std::string_view log;
};
std::optional<ShardView> open_shard(const std::filesystem::path& path);

// The log holds one line per input file: "kept NAME", "duplicate NAME" or
// "skipped NAME REASON", tab-separated. Calls f(status, name, reason) for each.
template <class F>
void for_each_log_line(std::string_view log, F&& f) {
  while (!log.empty()) {
    const size_t end = log.find('\n');
    std::string_view line = log.substr(0, end);
    log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
    const size_t tab = line.find('\t');
    const std::string_view status = line.substr(0, tab);
    line.remove_prefix(tab == std::string_view::npos ? line.size() : tab + 1);
    const size_t tab2 = line.find('\t');
    f(status, line.substr(0, tab2), tab2 == std::string_view::npos ? std::string_view() : line.substr(tab2 + 1));
  }
}

}  // namespace cadenza::music::corpus
