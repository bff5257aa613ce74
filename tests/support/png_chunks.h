// Writes a PNG the way PIL does for A1111 and ComfyUI: Latin-1 tEXt chunks (key NUL text) after IHDR.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <zlib.h>
#include <opencv2/imgcodecs.hpp>

#include "tests/support/fixtures.h"

namespace poseforge::test {

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xFF);
}

// A chunk: length, type, data, CRC-32 of type + data.
inline std::string png_chunk(const std::string& type, const std::string& data) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = type + data;
  out += body;
  put_u32(out, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
  return out;
}

// A width x height grey picture with the given tEXt chunks (texts in Latin-1 / ASCII, as PIL writes them).
inline void write_png_with_text(const std::filesystem::path& path, int width, int height,
                                const std::vector<std::pair<std::string, std::string>>& texts) {
  std::vector<unsigned char> encoded;
  cv::imencode(".png", cv::Mat(height, width, CV_8UC3, cv::Scalar(90, 120, 150)), encoded);
  const std::string png(encoded.begin(), encoded.end());
  const std::size_t after_ihdr = 8 + 4 + 4 + 13 + 4;  // signature, IHDR length, type, data, CRC
  std::string text_chunks;
  for (const auto& [key, text] : texts) text_chunks += png_chunk("tEXt", key + std::string(1, '\0') + text);
  write_bytes(path, png.substr(0, after_ihdr) + text_chunks + png.substr(after_ihdr));
}

}  // namespace poseforge::test
