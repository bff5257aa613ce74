// Image file reading and writing through OpenCV.
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/image.h"
#include "core/io/image_limits.h"

namespace poseforge::io {

Image read_image_rgb(const std::filesystem::path& path) {
  // Untrusted input: a regular file within the size limit, and a header within the pixel limit,
  // before any decoder runs (image_limits.h; the limits are in the README).
  check_image_file(path, "image");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw Error("image '{}' is empty", path.string());
  check_image_header(bytes.data(), bytes.size(), fmt::format("image '{}'", path.string()));
  cv::Mat mat;
  try {
    mat = cv::imdecode(bytes, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw Error("image '{}' cannot be decoded: {}", path.string(), e.what());
  }
  if (mat.empty()) throw Error("'{}' is not a readable image (PNG, JPEG, WebP, BMP or TIFF)", path.string());
  if (mat.depth() == CV_16U) mat.convertTo(mat, CV_8U, 1.0 / 257.0);
  if (mat.depth() == CV_32F) mat.convertTo(mat, CV_8U, 255.0);
  if (mat.depth() != CV_8U) throw Error("image '{}' has an unsupported pixel depth", path.string());
  cv::Mat rgb;
  switch (mat.channels()) {
    case 1: cv::cvtColor(mat, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(mat, rgb, cv::COLOR_BGR2RGB); break;
    case 4: {
      // Composite on white as Pillow's convert('RGB') would drop alpha; white reads better than black.
      cv::Mat bgra;
      mat.convertTo(bgra, CV_32FC4, 1.0 / 255.0);
      std::vector<cv::Mat> ch;
      cv::split(bgra, ch);
      for (int i = 0; i < 3; ++i) ch[i] = ch[i].mul(ch[3]) + (1.0 - ch[3]);
      cv::Mat bgr;
      cv::merge(std::vector<cv::Mat>{ch[0], ch[1], ch[2]}, bgr);
      bgr.convertTo(bgr, CV_8UC3, 255.0);
      cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
      break;
    }
    default: throw Error("image '{}' has {} channels, expected 1, 3 or 4", path.string(), mat.channels());
  }
  Image image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.channels = 3;
  image.pixels.resize(static_cast<std::size_t>(rgb.rows) * rgb.cols * 3);
  for (int y = 0; y < rgb.rows; ++y) std::memcpy(image.row(y), rgb.ptr(y), static_cast<std::size_t>(rgb.cols) * 3);
  return image;
}

void write_image(const std::filesystem::path& path, const Image& image) {
  if (image.empty() || image.width <= 0 || image.height <= 0) throw Error("cannot write '{}': empty image", path.string());
  const int type = image.channels == 1 ? CV_8UC1 : image.channels == 4 ? CV_8UC4 : CV_8UC3;
  cv::Mat mat(image.height, image.width, type, const_cast<std::uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  if (image.channels == 3) cv::cvtColor(mat, bgr, cv::COLOR_RGB2BGR);
  else if (image.channels == 4) cv::cvtColor(mat, bgr, cv::COLOR_RGBA2BGRA);
  else bgr = mat;
  std::string ext = path.extension().string();
  if (ext.empty()) ext = ".png";
  std::vector<std::uint8_t> encoded;
  try {
    if (!cv::imencode(ext, bgr, encoded)) throw Error("cannot encode '{}' as {}", path.string(), ext);
  } catch (const cv::Exception& e) {
    throw Error("cannot write '{}': unsupported image type '{}'", path.string(), ext);
  }
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
}

}  // namespace poseforge::io
