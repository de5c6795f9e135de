// A read-only memory map of a whole file: pieces of a corpus store are read where they lie,
// so opening a store costs no reading and memory holds only the pages a reader touches.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace cadenza::music::corpus {

class MappedFile {
 public:
  MappedFile() = default;
  explicit MappedFile(const std::filesystem::path& path);  // throws std::runtime_error
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace cadenza::music::corpus
