// MaskPaintDialog: paint where an image prompt acts, over the pose reference (brush, erase, fill, invert).
#pragma once

#include <QDialog>
#include <QImage>

class QSlider;

namespace poseforge::ui {

class MaskCanvas;

// Modal dialog around a MaskCanvas: brush size, Clear, Fill, Invert, OK / Cancel. mask() is the
// painted mask (Grayscale8, the background's size; white where the prompt acts).
class MaskPaintDialog : public QDialog {
  Q_OBJECT
 public:
  // `background`: the pose reference (photo with its skeleton); `mask`: the current mask or null.
  MaskPaintDialog(const QImage& background, const QImage& mask, const QString& title, QWidget* parent = nullptr);

  QImage mask() const;
  MaskCanvas* canvas() const { return canvas_; }

 private:
  MaskCanvas* canvas_ = nullptr;
  QSlider* brush_ = nullptr;
};

}  // namespace poseforge::ui
