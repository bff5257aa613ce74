// io::Image <-> QImage copies.
#include "ui/common/image_convert.h"

#include <cstring>

#include <QPainter>

namespace poseforge::ui {

QImage to_qimage(const io::Image& image) {
  if (image.empty()) return {};
  QImage::Format format = QImage::Format_RGB888;
  if (image.channels == 4) format = QImage::Format_RGBA8888;
  if (image.channels == 1) format = QImage::Format_Grayscale8;
  const qsizetype stride = static_cast<qsizetype>(image.width) * image.channels;
  // QImage over the borrowed pixels, then copy() so the result owns its memory.
  return QImage(image.pixels.data(), image.width, image.height, stride, format).copy();
}

io::Image to_rgb_image(const QImage& image) {
  io::Image out;
  if (image.isNull()) return out;
  QImage rgb(image.size(), QImage::Format_RGB888);
  rgb.fill(Qt::white);
  {
    QPainter painter(&rgb);
    painter.drawImage(0, 0, image);
  }
  out.width = rgb.width();
  out.height = rgb.height();
  out.channels = 3;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y)
    std::memcpy(out.row(y), rgb.constScanLine(y), static_cast<std::size_t>(out.width) * 3);
  return out;
}

}  // namespace poseforge::ui
