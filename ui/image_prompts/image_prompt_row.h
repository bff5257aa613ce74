// ImagePromptRow: one image prompt in the list: thumbnail, file name, weight, weight type, start/end,
// composition weight (Style + composition), regional mask, remove button.
#pragma once

#include <QFrame>

#include "core/pipeline/request.h"
#include "ui/common/image_source.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QToolButton;

namespace poseforge::ui {

class ImagePromptRow : public QFrame {
  Q_OBJECT
 public:
  ImagePromptRow(LoadedImage image, double weight, QWidget* parent = nullptr);

  const LoadedImage& image() const { return image_; }
  double weight() const;
  void set_weight(double weight);

  // Everything the row holds as the Request's entry (path, weight, type, composition weight only for
  // Style + composition, start, end, the mask's file).
  pipeline::ImagePrompt prompt() const;
  // Sets weight, type, composition weight, start, end (not the path); the mask is loaded from its file:
  // false (and no mask) when it cannot be read.
  bool set_controls(const pipeline::ImagePrompt& prompt);
  diffusion::IpWeightType type() const;
  void set_type(diffusion::IpWeightType type);

  // The regional mask (white: where this prompt acts); empty when it acts on the whole picture.
  const LoadedImage& mask() const { return mask_; }
  void set_mask(const LoadedImage& mask);
  void clear_mask();

  static constexpr double kMinWeight = 0.05;
  static constexpr double kMaxWeight = 5.0;

 signals:
  void weight_changed(double weight);
  // Type, composition weight, start/end or mask changed.
  void controls_changed();
  void remove_requested();
  // The mask menu's "Paint over the pose reference…".
  void paint_mask_requested();
  // The mask menu's "Load a mask file…" picked a file that could not be read.
  void mask_problem(const QString& message);

 private:
  QWidget* make_controls();
  void update_type_widgets();
  void update_mask_widgets();
  void load_mask_dialog();

  LoadedImage image_;
  LoadedImage mask_;
  QDoubleSpinBox* weight_ = nullptr;
  QComboBox* type_ = nullptr;
  QDoubleSpinBox* composition_ = nullptr;
  QDoubleSpinBox* start_ = nullptr;
  QDoubleSpinBox* end_ = nullptr;
  QToolButton* mask_button_ = nullptr;
  QLabel* mask_thumb_ = nullptr;
};

}  // namespace poseforge::ui
