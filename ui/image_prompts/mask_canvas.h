// MaskCanvas: paints a regional image-prompt mask over a background picture (the pose reference).
#pragma once

#include <QImage>
#include <QWidget>

namespace poseforge::ui {

// The mask is a Grayscale8 image at the background's size: white where the image prompt acts. The
// left button paints, the right button (or Shift) erases, in a round brush; the painted part shows
// tinted over the background. Everything is in background pixels, so the mask lines up with the
// pose reference (the pipeline stretches both to the output size the same way).
class MaskCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit MaskCanvas(QWidget* parent = nullptr);

  // A new background; the mask is resized to it (or made empty when `mask` is null).
  void set_background(const QImage& background, const QImage& mask = {});
  const QImage& background() const { return background_; }
  const QImage& mask() const { return mask_; }
  bool mask_is_empty() const;

  void set_brush_radius(int pixels);  // in background pixels
  int brush_radius() const { return radius_; }
  // A stroke from `from` to `to` (background pixels): white, or black when erasing.
  void paint_stroke(QPointF from, QPointF to, bool erase);
  void fill(bool white);
  void invert();
  // Widget position -> background pixel (through the fitted, centred drawing rectangle).
  QPointF to_image(QPointF widget_pos) const;

  QSize sizeHint() const override { return {480, 480}; }

 signals:
  void mask_changed();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QRectF target() const;

  QImage background_;
  QImage mask_;
  int radius_ = 24;
  bool stroking_ = false;
  bool erasing_ = false;
  QPointF last_;
};

}  // namespace poseforge::ui
