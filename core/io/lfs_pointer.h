// Git LFS pointer files: the ~130-byte text a clone without `git lfs` leaves where a weight or config file should be.
#pragma once

#include <filesystem>
#include <string>

namespace poseforge::io {

// True when `path` is a small text file starting with "version https://git-lfs.github.com/spec/".
bool is_git_lfs_pointer(const std::filesystem::path& path);

// Throws Error "'<path>': this is a Git LFS pointer, not the file: run `git lfs pull` ... (expected <expected>)"
// when `path` is one; does nothing otherwise (also when it does not exist).
void check_not_lfs_pointer(const std::filesystem::path& path, const std::string& expected);

}  // namespace poseforge::io
