// Image size limits before decoding: file size, then the dimensions in the PNG/JPEG/WebP/BMP/TIFF header.
#include "core/io/image_limits.h"

#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/error.h"
#include "core/io/input_file.h"

namespace poseforge::io {
namespace {

std::uint32_t be16(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 8) | p[1];
}
std::uint32_t le16(const std::uint8_t* p) {
  return (std::uint32_t{p[1]} << 8) | p[0];
}
std::uint32_t be32(const std::uint8_t* p) {
  return (be16(p) << 16) | be16(p + 2);
}
std::uint32_t le32(const std::uint8_t* p) {
  return (le16(p + 2) << 16) | le16(p);
}
std::uint32_t le24(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16);
}

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

using Dims = std::optional<std::pair<std::uint64_t, std::uint64_t>>;

Dims png_dims(const std::uint8_t* d, std::size_t n) {
  if (n < 24 || std::memcmp(d + 12, "IHDR", 4) != 0) return std::nullopt;
  return std::make_pair(std::uint64_t{be32(d + 16)}, std::uint64_t{be32(d + 20)});
}

// Markers up to the first start-of-frame (SOF0..SOF15 except DHT C4, JPG C8, DAC CC).
Dims jpeg_dims(const std::uint8_t* d, std::size_t n) {
  std::size_t i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) return std::nullopt;
    const std::uint8_t marker = d[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    const std::uint32_t length = be16(d + i + 2);
    if (length < 2) return std::nullopt;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > n) return std::nullopt;
      return std::make_pair(std::uint64_t{be16(d + i + 7)}, std::uint64_t{be16(d + i + 5)});
    }
    if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // end / scan before any frame header
    i += 2 + length;
  }
  return std::nullopt;
}

Dims webp_dims(const std::uint8_t* d, std::size_t n) {
  if (n < 30) return std::nullopt;
  const std::uint8_t* c = d + 12;
  if (std::memcmp(c, "VP8 ", 4) == 0) {  // lossy: frame tag (3), start code (3), 14-bit sizes
    if (c[11] != 0x9d || c[12] != 0x01 || c[13] != 0x2a) return std::nullopt;
    return std::make_pair(std::uint64_t{le16(c + 14) & 0x3FFF}, std::uint64_t{le16(c + 16) & 0x3FFF});
  }
  if (std::memcmp(c, "VP8L", 4) == 0) {  // lossless: signature 0x2f, 14-bit width-1 and height-1
    if (c[8] != 0x2f) return std::nullopt;
    const std::uint32_t bits = le32(c + 9);
    return std::make_pair(std::uint64_t{(bits & 0x3FFF) + 1}, std::uint64_t{((bits >> 14) & 0x3FFF) + 1});
  }
  if (std::memcmp(c, "VP8X", 4) == 0) {  // extended: 24-bit canvas width-1 and height-1
    return std::make_pair(std::uint64_t{le24(c + 12)} + 1, std::uint64_t{le24(c + 15)} + 1);
  }
  return std::nullopt;
}

Dims bmp_dims(const std::uint8_t* d, std::size_t n) {
  if (n < 26) return std::nullopt;
  const std::uint32_t header = le32(d + 14);
  if (header == 12) return std::make_pair(std::uint64_t{le16(d + 18)}, std::uint64_t{le16(d + 20)});  // OS/2
  const auto w = static_cast<std::int32_t>(le32(d + 18));
  const auto h = static_cast<std::int32_t>(le32(d + 22));  // negative: top-down rows
  const auto abs = [](std::int32_t v) { return v < 0 ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v); };
  return std::make_pair(static_cast<std::uint64_t>(abs(w)), static_cast<std::uint64_t>(abs(h)));
}

// The first IFD's ImageWidth (256) and ImageLength (257) tags.
Dims tiff_dims(const std::uint8_t* d, std::size_t n) {
  if (n < 8) return std::nullopt;
  const bool le = d[0] == 'I';
  auto u16 = [&](std::size_t at) { return le ? le16(d + at) : be16(d + at); };
  auto u32 = [&](std::size_t at) { return le ? le32(d + at) : be32(d + at); };
  const std::size_t ifd = u32(4);
  if (ifd > n || n - ifd < 2) return std::nullopt;
  const std::size_t count = u16(ifd);
  std::uint64_t width = 0, height = 0;
  for (std::size_t e = 0; e < count; ++e) {
    const std::size_t at = ifd + 2 + e * 12;
    if (at > n || n - at < 12) return std::nullopt;
    const std::uint32_t tag = u16(at), type = u16(at + 2);
    if (tag != 256 && tag != 257) continue;
    const std::uint64_t value = type == 3 ? u16(at + 8) : type == 4 ? u32(at + 8) : 0;
    (tag == 256 ? width : height) = value;
  }
  if (width == 0 || height == 0) return std::nullopt;
  return std::make_pair(width, height);
}

}  // namespace

std::uintmax_t check_image_file(const std::filesystem::path& path, const std::string& what) {
  return check_input_file(path, what, kMaxImageFileBytes);
}

ImageHeader check_image_header(const std::uint8_t* d, std::size_t n, const std::string& what) {
  ImageHeader h;
  Dims dims;
  if (starts_with(d, n, "\x89PNG\r\n\x1a\n", 8)) {
    h.format = "PNG", dims = png_dims(d, n);
  } else if (starts_with(d, n, "\xFF\xD8\xFF", 3)) {
    h.format = "JPEG", dims = jpeg_dims(d, n);
  } else if (starts_with(d, n, "RIFF", 4) && n >= 12 && std::memcmp(d + 8, "WEBP", 4) == 0) {
    h.format = "WebP", dims = webp_dims(d, n);
  } else if (starts_with(d, n, "BM", 2)) {
    h.format = "BMP", dims = bmp_dims(d, n);
  } else if (starts_with(d, n, "II*\0", 4) || starts_with(d, n, "MM\0*", 4)) {
    h.format = "TIFF", dims = tiff_dims(d, n);
  } else {
    throw Error("{} is not a PNG, JPEG, WebP, BMP or TIFF file", what);
  }
  if (!dims) throw Error("{}: its {} header cannot be read (damaged or truncated file)", what, h.format);
  h.width = dims->first, h.height = dims->second;
  if (h.width == 0 || h.height == 0)
    throw Error("{}: its {} header says {}x{} pixels", what, h.format, h.width, h.height);
  if (h.width > kMaxImageSide || h.height > kMaxImageSide || h.width * h.height > kMaxImagePixels) {
    throw Error(
        "{} is {}x{} pixels ({:.1f} megapixels); images may have at most {:.1f} megapixels and {} pixels a side", what,
        h.width, h.height, static_cast<double>(h.width * h.height) / 1e6, static_cast<double>(kMaxImagePixels) / 1e6,
        kMaxImageSide);
  }
  return h;
}

}  // namespace poseforge::io
