// Limits on untrusted image files, checked before any decoder runs: the file size, then the pixel
// count read from the format's header (PNG, JPEG, WebP, BMP, TIFF); other formats are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace poseforge::io {

constexpr std::uintmax_t kMaxImageFileBytes = 256ull << 20;  // 256 MiB
constexpr std::uint64_t kMaxImagePixels = 64ull << 20;       // 67,108,864 pixels (8192 x 8192)
constexpr std::uint32_t kMaxImageSide = 32768;

struct ImageHeader {
  std::string format;  // "PNG", "JPEG", "WebP", "BMP", "TIFF"
  std::uint64_t width = 0, height = 0;
};

// Throws Error naming `what` unless `path` is a regular file (not a device, a FIFO, a folder) of at
// most kMaxImageFileBytes. Returns its size.
std::uintmax_t check_image_file(const std::filesystem::path& path, const std::string& what);

// Reads the width and height from the header in `data` (the whole file or its first bytes) without
// decoding. Throws Error naming `what` for a format other than PNG/JPEG/WebP/BMP/TIFF, a header that
// cannot be read, a zero side, a side over kMaxImageSide or more than kMaxImagePixels pixels.
ImageHeader check_image_header(const std::uint8_t* data, std::size_t size, const std::string& what);

}  // namespace poseforge::io
