// The mask painter's canvas: brush strokes into a grey mask, shown tinted over the pose reference.
#include "ui/image_prompts/mask_canvas.h"

#include <algorithm>

#include <QMouseEvent>
#include <QPainter>

namespace poseforge::ui {

MaskCanvas::MaskCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName("MaskCanvas");
  setMouseTracking(false);
  setCursor(Qt::CrossCursor);
  setMinimumSize(160, 160);
}

void MaskCanvas::set_background(const QImage& background, const QImage& mask) {
  background_ = background.convertToFormat(QImage::Format_RGB32);
  if (mask.isNull()) {
    mask_ = QImage(background_.size(), QImage::Format_Grayscale8);
    mask_.fill(0);
  } else {
    mask_ = mask.convertToFormat(QImage::Format_Grayscale8)
                .scaled(background_.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
  }
  update();
  emit mask_changed();
}

bool MaskCanvas::mask_is_empty() const {
  for (int y = 0; y < mask_.height(); ++y) {
    const uchar* row = mask_.constScanLine(y);
    for (int x = 0; x < mask_.width(); ++x) {
      if (row[x] >= 128) return false;
    }
  }
  return true;
}

void MaskCanvas::set_brush_radius(int pixels) {
  radius_ = std::max(1, pixels);
}

void MaskCanvas::paint_stroke(QPointF from, QPointF to, bool erase) {
  if (mask_.isNull()) return;
  QPainter p(&mask_);
  p.setRenderHint(QPainter::Antialiasing, false);  // a hard-edged black/white mask
  const QColor colour = erase ? Qt::black : Qt::white;
  p.setPen(QPen(colour, 2.0 * radius_, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
  p.setBrush(colour);
  if (from == to) {
    p.setPen(Qt::NoPen);
    p.drawEllipse(from, radius_, radius_);
  } else {
    p.drawLine(from, to);
  }
  p.end();
  update();
  emit mask_changed();
}

void MaskCanvas::fill(bool white) {
  mask_.fill(white ? 255 : 0);
  update();
  emit mask_changed();
}

void MaskCanvas::invert() {
  mask_.invertPixels();
  update();
  emit mask_changed();
}

QRectF MaskCanvas::target() const {
  if (background_.isNull()) return rect();
  const QSizeF size = QSizeF(background_.size()).scaled(QSizeF(width(), height()), Qt::KeepAspectRatio);
  return {(width() - size.width()) / 2.0, (height() - size.height()) / 2.0, size.width(), size.height()};
}

QPointF MaskCanvas::to_image(QPointF pos) const {
  const QRectF t = target();
  if (t.width() <= 0 || t.height() <= 0) return {};
  return {(pos.x() - t.left()) * background_.width() / t.width(),
          (pos.y() - t.top()) * background_.height() / t.height()};
}

void MaskCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (background_.isNull()) return;
  const QRectF t = target();
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(t, background_);
  // the painted region: a translucent tint where the mask is white
  QImage tint(mask_.size(), QImage::Format_ARGB32_Premultiplied);
  tint.fill(QColor(0, 200, 255));
  QImage alpha = mask_.copy();
  for (int y = 0; y < alpha.height(); ++y) {
    uchar* row = alpha.scanLine(y);
    for (int x = 0; x < alpha.width(); ++x) row[x] = static_cast<uchar>(row[x] * 0.55);
  }
  tint.setAlphaChannel(alpha);
  p.drawImage(t, tint);
  p.setPen(QPen(palette().highlight(), 1));
  p.drawRect(t.adjusted(0, 0, -1, -1));
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
  stroking_ = true;
  erasing_ = event->button() == Qt::RightButton || (event->modifiers() & Qt::ShiftModifier);
  last_ = to_image(event->position());
  paint_stroke(last_, last_, erasing_);
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (!stroking_) return;
  const QPointF now = to_image(event->position());
  paint_stroke(last_, now, erasing_);
  last_ = now;
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent*) {
  stroking_ = false;
}

}  // namespace poseforge::ui
