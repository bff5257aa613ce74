// Git LFS pointer detection: the spec line a pointer file starts with.
#include "core/io/lfs_pointer.h"

#include <fstream>

#include "core/error.h"

namespace poseforge::io {

bool is_git_lfs_pointer(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > 1024) return false;  // pointers are ~130 bytes
  static const std::string kSpec = "version https://git-lfs.github.com/spec/";
  std::ifstream in(path, std::ios::binary);
  std::string head(kSpec.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in.gcount() == static_cast<std::streamsize>(kSpec.size()) && head == kSpec;
}

void check_not_lfs_pointer(const std::filesystem::path& path, const std::string& expected) {
  if (!is_git_lfs_pointer(path)) return;
  throw Error(
      "'{}': this is a Git LFS pointer, not the file: run `git lfs pull` in its repository (or download the file "
      "itself); expected {}",
      path.string(), expected);
}

}  // namespace poseforge::io
