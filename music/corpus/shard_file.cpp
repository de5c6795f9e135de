#include "music/corpus/shard_file.h"

#include <stdexcept>

namespace cadenza::music::corpus {
namespace {
constexpr size_t kFlushBytes = size_t{1} << 20;
}

ShardWriter::ShardWriter(const std::filesystem::path& path, uint32_t shard, uint32_t token_bytes)
    : file_(path), shard_(shard), token_bytes_(token_bytes) {
  buffer_.reserve(kFlushBytes + 4096);
}

void ShardWriter::put(const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  buffer_.insert(buffer_.end(), p, p + n);
  if (buffer_.size() >= kFlushBytes) flush();
}

void ShardWriter::flush() {
  file_.write(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void ShardWriter::add_piece(uint64_t hash, std::span<const int32_t> tokens) {
  if (tokens.size() > UINT32_MAX) throw std::length_error("corpus store: piece longer than 2^32 tokens");
  entries_.push_back({hash, tokens_, static_cast<uint32_t>(tokens.size()), shard_});
  tokens_ += tokens.size();
  for (const int32_t t : tokens) {
    // Little-endian whatever the width (the magic rejects other hosts when reading).
    uint8_t b[4] = {static_cast<uint8_t>(t), static_cast<uint8_t>(t >> 8), static_cast<uint8_t>(t >> 16),
                    static_cast<uint8_t>(t >> 24)};
    buffer_.insert(buffer_.end(), b, b + token_bytes_);
  }
  if (buffer_.size() >= kFlushBytes) flush();
}

void ShardWriter::add_log(const std::string& line) {
  log_ += line;
  log_ += '\n';
}

void ShardWriter::finish(uint64_t fingerprint, uint32_t files) {
  const uint8_t zeros[8] = {};
  put(zeros, (8 - tokens_ * token_bytes_ % 8) % 8);  // entries start 8-byte aligned
  put(entries_.data(), entries_.size() * sizeof(IndexEntry));
  put(log_.data(), log_.size());
  ShardFooter footer;
  footer.fingerprint = fingerprint;
  footer.tokens = tokens_;
  footer.pieces = static_cast<uint32_t>(entries_.size());
  footer.log_bytes = static_cast<uint32_t>(log_.size());
  footer.token_bytes = token_bytes_;
  footer.files = files;
  std::memcpy(footer.magic, kShardMagic, 8);
  put(&footer, sizeof footer);
  flush();
  file_.commit();
}

std::optional<ShardView> open_shard(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  ShardView v{MappedFile(path), {}, {}, {}, {}};
  const auto bytes = v.file.bytes();
  if (bytes.size() < sizeof(ShardFooter)) return std::nullopt;
  std::memcpy(&v.footer, bytes.data() + bytes.size() - sizeof(ShardFooter), sizeof(ShardFooter));
  const ShardFooter& f = v.footer;
  if (!f.valid() || (f.token_bytes != 2 && f.token_bytes != 4) || f.tokens > bytes.size() || f.pieces > bytes.size() ||
      f.expected_size() != bytes.size())
    return std::nullopt;
  v.tokens = bytes.subspan(0, f.tokens * f.token_bytes);
  const uint8_t* entries = bytes.data() + f.token_section();  // 8-aligned in a page-aligned map
  v.entries = {reinterpret_cast<const IndexEntry*>(entries), f.pieces};
  v.log = {reinterpret_cast<const char*>(entries + f.pieces * sizeof(IndexEntry)), f.log_bytes};
  for (const IndexEntry& e : v.entries)
    if (e.first_token > f.tokens || e.length > f.tokens - e.first_token) return std::nullopt;
  return v;
}

}  // namespace cadenza::music::corpus
