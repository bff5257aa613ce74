// MappedFile: mmap with errors that name the file.
#include "core/io/mapped_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

namespace poseforge::io {

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot open '{}': {}", path.string(), std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error("cannot stat '{}': {}", path.string(), std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error("'{}' is a directory, expected a file", path.string());
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("'{}' is not a regular file", path.string());
  }
  if (st.st_size == 0) {
    ::close(fd);
    throw Error("'{}' is empty (0 bytes)", path.string());
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  // MAP_PRIVATE + PROT_WRITE: a tensor viewing the mapping that is written in place gets private
  // copy-on-write pages instead of a segfault, and the file on disk never changes.
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (data == MAP_FAILED) {
    throw Error("cannot memory-map '{}' ({} bytes): {}", path.string(), size, std::strerror(err));
  }
  // Weights are read once, mostly front to back: start reading the whole file ahead (a cold page cache).
  ::madvise(data, size, MADV_WILLNEED);
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->path_ = path;
  file->data_ = static_cast<std::uint8_t*>(data);
  file->size_ = size;
  return file;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) {
    ::munmap(data_, size_);
  }
}

}  // namespace poseforge::io
