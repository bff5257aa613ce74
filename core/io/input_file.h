// Untrusted input files checked before they are read: a regular file (not a device or a pipe, which
// could be read forever) of at most a given size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace poseforge::io {

// Throws Error "<what> '<path>' ..." unless `path` is a regular file of at most `max_bytes`. Returns its size.
std::uintmax_t check_input_file(const std::filesystem::path& path, const std::string& what, std::uintmax_t max_bytes);

}  // namespace poseforge::io
