// The pose reference picture: photo plus skeleton.
#include "ui/pose_editor/pose_reference_image.h"

#include "ui/common/image_convert.h"
#include "ui/pose_editor/pose_document.h"

namespace poseforge::ui {

QImage pose_reference_image(const PoseDocument& document) {
  const QSize size = document.display_size();
  QImage out(size, QImage::Format_RGB888);
  if (document.has_photo()) {
    out = document.photo()
              .convertToFormat(QImage::Format_RGB888)
              .scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
  } else {
    out.fill(Qt::black);
  }
  const QImage skeleton =
      to_qimage(document.control_image(size.width(), size.height())).convertToFormat(QImage::Format_RGB888);
  for (int y = 0; y < out.height() && y < skeleton.height(); ++y) {
    const uchar* s = skeleton.constScanLine(y);
    uchar* d = out.scanLine(y);
    for (int x = 0; x < out.width() && x < skeleton.width(); ++x) {
      if (s[3 * x] | s[3 * x + 1] | s[3 * x + 2]) std::copy(s + 3 * x, s + 3 * x + 3, d + 3 * x);
    }
  }
  return out;
}

}  // namespace poseforge::ui
