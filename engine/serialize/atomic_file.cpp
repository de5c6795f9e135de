#include "engine/serialize/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.h"

namespace cadenza::serialize {
namespace {

[[noreturn]] void fail_errno(const char* what, const std::filesystem::path& p) {
  fail("checkpoint: cannot {} '{}': {}", what, p.string(), std::strerror(errno));
}

// Closes the descriptor and removes the temporary file unless the write completed.
struct TempFile {
  std::filesystem::path path;
  int fd = -1;
  bool committed = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!committed) ::unlink(path.c_str());
  }
};

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  TempFile tmp{path.string() + ".tmp-" + std::to_string(::getpid())};
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tmp.fd < 0) fail_errno("create", tmp.path);
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(tmp.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("write", tmp.path);
    done += static_cast<size_t>(n);
  }
  if (::fsync(tmp.fd) != 0) fail_errno("fsync", tmp.path);
  if (::close(tmp.fd) != 0) {
    tmp.fd = -1;
    fail_errno("close", tmp.path);
  }
  tmp.fd = -1;
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail_errno("rename to", path);
  tmp.committed = true;
  // Make the rename itself durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace cadenza::serialize
