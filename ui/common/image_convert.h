// Conversions between the engine's io::Image (RGB8 / RGBA8 / grey) and Qt's QImage.
#pragma once

#include <QImage>

#include "core/io/image.h"

namespace poseforge::ui {

// A deep copy of `image` as a QImage (RGB888, RGBA8888 or Grayscale8); null for an empty image.
QImage to_qimage(const io::Image& image);

// A deep copy of `image` as 8-bit RGB (alpha composited on white, as read_image_rgb does).
io::Image to_rgb_image(const QImage& image);

}  // namespace poseforge::ui
