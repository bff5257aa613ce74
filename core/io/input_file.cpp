// Untrusted input files: regular, within a size limit, checked before reading.
#include "core/io/input_file.h"

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::io {

std::uintmax_t check_input_file(const std::filesystem::path& path, const std::string& what, std::uintmax_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw Error("{} '{}' does not exist", what, path.string());
  if (std::filesystem::is_directory(status))
    throw Error("{} '{}' is a directory, expected a file", what, path.string());
  if (!std::filesystem::is_regular_file(status)) {
    throw Error("{} '{}' is not a regular file (a device or a pipe?)", what, path.string());
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error("{} '{}': cannot read its size: {}", what, path.string(), ec.message());
  if (size > max_bytes) {
    throw Error("{} '{}' is {:.1f} MiB; at most {} MiB are read", what, path.string(),
                static_cast<double>(size) / (1 << 20), max_bytes >> 20);
  }
  return size;
}

}  // namespace poseforge::io
