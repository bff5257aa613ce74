// ImagePromptRow: one image prompt in the list: thumbnail, file name, weight, remove button.
#pragma once

#include <QFrame>

#include "ui/common/image_source.h"

class QDoubleSpinBox;

namespace poseforge::ui {

class ImagePromptRow : public QFrame {
  Q_OBJECT
 public:
  ImagePromptRow(LoadedImage image, double weight, QWidget* parent = nullptr);

  const LoadedImage& image() const { return image_; }
  double weight() const;
  void set_weight(double weight);

  static constexpr double kMinWeight = 0.05;
  static constexpr double kMaxWeight = 5.0;

 signals:
  void weight_changed(double weight);
  void remove_requested();

 private:
  LoadedImage image_;
  QDoubleSpinBox* weight_ = nullptr;
};

}  // namespace poseforge::ui
