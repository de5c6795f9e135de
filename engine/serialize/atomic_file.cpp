#include "engine/serialize/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.h"

namespace cadenza::serialize {
namespace {

[[noreturn]] void fail_errno(const char* what, const std::filesystem::path& p) {
  fail("cannot {} '{}': {}", what, p.string(), std::strerror(errno));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), tmp_(path_.string() + ".tmp-" + std::to_string(::getpid())) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail_errno("create", tmp_);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < n;) {
    ssize_t k = ::write(fd_, p + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) fail_errno("write", tmp_);
    done += static_cast<size_t>(k);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) fail_errno("fsync", tmp_);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail_errno("close", tmp_);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail_errno("rename to", path_);
  committed_ = true;
  // Make the rename itself durable.
  std::filesystem::path dir = path_.has_parent_path() ? path_.parent_path() : ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

}  // namespace cadenza::serialize
