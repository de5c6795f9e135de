#include "engine/serialize/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

#include "engine/error.h"

namespace cadenza::serialize {
namespace {

[[noreturn]] void fail_errno(const char* what, const std::filesystem::path& p) {
  fail("cannot {} '{}': {}", what, p.string(), std::strerror(errno));
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

// The bytes go to a file without a name (O_TMPFILE) where the file system offers it, so a
// writer killed before commit() leaves nothing behind; it gets a temporary name only for the
// instant between linkat() and rename(). Elsewhere a named temporary file is used from the
// start (and is what a kill leaves).
AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), tmp_(path_.string() + ".tmp-" + std::to_string(::getpid())) {
#ifdef O_TMPFILE
  fd_ = ::open(directory_of(path_).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd_ >= 0) {
    anonymous_ = true;
    return;
  }
#endif
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail_errno("create", tmp_);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !anonymous_) ::unlink(tmp_.c_str());
}

void AtomicFile::write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < n;) {
    ssize_t k = ::write(fd_, p + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) fail_errno("write", anonymous_ ? path_ : tmp_);
    done += static_cast<size_t>(k);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail_errno("fsync", anonymous_ ? path_ : tmp_);
  if (anonymous_) {
    // Give the unnamed file its temporary name through /proc (linkat with AT_EMPTY_PATH
    // would need CAP_DAC_READ_SEARCH).
    const std::string self = "/proc/self/fd/" + std::to_string(fd_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp_.c_str(), AT_SYMLINK_FOLLOW) != 0) fail_errno("link", tmp_);
    anonymous_ = false;  // from here on the destructor must remove the name if rename fails
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail_errno("close", tmp_);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail_errno("rename to", path_);
  committed_ = true;
  // Make the rename itself durable.
  int dfd = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes.data(), bytes.size());
  f.commit();
}

void remove_stale_temporaries(const std::filesystem::path& dir) {
  static constexpr std::string_view kMark = ".tmp-";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.rfind(kMark);
    if (at == std::string::npos) continue;
    const char* first = name.data() + at + kMark.size();
    const char* last = name.data() + name.size();
    pid_t pid = 0;
    if (const auto r = std::from_chars(first, last, pid); r.ec != std::errc() || r.ptr != last || pid <= 0) continue;
    // A live process (or one we may not signal) may still be writing it.
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace cadenza::serialize
