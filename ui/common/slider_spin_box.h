// SliderSpinBox: a horizontal slider paired with a spin box, kept in step both ways.
#pragma once

#include <QWidget>

class QSlider;
class QDoubleSpinBox;

namespace poseforge::ui {

// A value in [minimum, maximum] with `decimals` decimals (0 gives an integer setting). The slider
// moves in units of the spin box's step; either edit updates the other and emits value_changed once.
class SliderSpinBox : public QWidget {
  Q_OBJECT
 public:
  SliderSpinBox(double minimum, double maximum, double step, int decimals, QWidget* parent = nullptr);

  double value() const;
  void set_value(double value);  // clamped to the range; emits value_changed when it changes
  void set_range(double minimum, double maximum);
  double minimum() const;
  double maximum() const;
  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* spin_box() const { return spin_; }

 signals:
  void value_changed(double value);

 private:
  int to_slider(double value) const;

  QSlider* slider_;
  QDoubleSpinBox* spin_;
  double step_;
};

}  // namespace poseforge::ui
