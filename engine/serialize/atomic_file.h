#pragma once
// Crash-safe file replacement: the bytes go to a temporary file in the same directory,
// which is fsync'd and then renamed over the target (and the directory fsync'd), so a
// reader sees either the old file or the new one, never a torn mix. A writer that dies
// or throws before commit() leaves the target untouched.
#include <filesystem>
#include <string_view>

namespace cadenza::serialize {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t n);
  void commit();  // fsync, rename over the target, fsync the directory

 private:
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace cadenza::serialize
