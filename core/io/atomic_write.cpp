// AtomicWriter: temp file + fsync + rename, with errors that name the target.
#include "core/io/atomic_write.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/io/write_faults.h"

namespace poseforge::io {

AtomicWriter::AtomicWriter(const std::filesystem::path& target) : target_(target) {
  std::error_code ec;
  const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec)) {
    throw Error("cannot write '{}': folder '{}' does not exist", target.string(), dir.string());
  }
  std::string pattern = target.string() + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  fd_ = ::mkstemp(buf.data());
  if (fd_ < 0) {
    throw Error("cannot write '{}': {}", target.string(), std::strerror(errno));
  }
  temp_ = buf.data();
}

AtomicWriter::~AtomicWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

std::function<int(const std::filesystem::path& target)>& write_fault_hook() {
  static std::function<int(const std::filesystem::path&)> hook;
  return hook;
}

void AtomicWriter::write(const void* data, std::size_t size) {
  if (const auto& fault = write_fault_hook()) {
    if (const int err = fault(target_)) throw Error("cannot write '{}': {}", target_.string(), std::strerror(err));
  }
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write '{}': {}", target_.string(), std::strerror(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicWriter::commit() {
  if (::fsync(fd_) != 0) {
    throw Error("cannot write '{}': {}", target_.string(), std::strerror(errno));
  }
  // mkstemp creates 0600; give the file the usual permissions (umask applies).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd_, 0666 & ~mask);
  ::close(fd_);
  fd_ = -1;
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
    throw Error("cannot write '{}': {}", target_.string(), std::strerror(err));
  }
}

void write_file_atomic(const std::filesystem::path& target, std::string_view content) {
  AtomicWriter writer(target);
  writer.write(content);
  writer.commit();
}

}  // namespace poseforge::io
