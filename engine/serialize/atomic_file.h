#pragma once
// Crash-safe file replacement, the one way cadenza writes any file: the bytes go to a
// temporary file in the same directory (unnamed where the file system allows O_TMPFILE),
// which is fsync'd and then renamed over the target (and the directory fsync'd), so a
// reader sees either the old file or the new one, never a torn mix. A writer that dies,
// is killed or throws before commit() leaves the target untouched.
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
  bool anonymous_ = false;  // an O_TMPFILE without a name yet
  bool committed_ = false;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// A writer killed in the instant between naming its temporary file and the rename leaves
// that name ("<target>.tmp-<pid>") behind. Removes such files in `dir` whose process is
// gone; a program that owns a folder (a corpus store) calls it before writing there.
void remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace cadenza::serialize
