// SliderSpinBox: slider positions are whole multiples of the step above the minimum.
#include "ui/common/slider_spin_box.h"

#include <cmath>

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>

namespace poseforge::ui {

SliderSpinBox::SliderSpinBox(double minimum, double maximum, double step, int decimals, QWidget* parent)
    : QWidget(parent), slider_(new QSlider(Qt::Horizontal)), spin_(new QDoubleSpinBox), step_(step) {
  spin_->setDecimals(decimals);
  spin_->setSingleStep(step);
  spin_->setKeyboardTracking(false);
  spin_->setMinimumWidth(72);
  spin_->setAlignment(Qt::AlignRight);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(slider_, 1);
  layout->addWidget(spin_);
  set_range(minimum, maximum);

  connect(slider_, &QSlider::valueChanged, this, [this](int position) {
    const double v = spin_->minimum() + position * step_;
    if (std::abs(v - spin_->value()) < step_ / 2) return;
    spin_->setValue(v);  // emits through the spin box's handler below
  });
  connect(spin_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double v) {
    const QSignalBlocker block(slider_);
    slider_->setValue(to_slider(v));
    emit value_changed(v);
  });
}

double SliderSpinBox::value() const {
  return spin_->value();
}
double SliderSpinBox::minimum() const {
  return spin_->minimum();
}
double SliderSpinBox::maximum() const {
  return spin_->maximum();
}

void SliderSpinBox::set_value(double value) {
  spin_->setValue(value);
}

void SliderSpinBox::set_range(double minimum, double maximum) {
  spin_->setRange(minimum, maximum);
  const QSignalBlocker block(slider_);
  slider_->setRange(0, to_slider(maximum));
  slider_->setSingleStep(1);
  slider_->setPageStep(std::max(1, slider_->maximum() / 10));
  slider_->setValue(to_slider(spin_->value()));
}

int SliderSpinBox::to_slider(double value) const {
  return static_cast<int>(std::lround((value - spin_->minimum()) / step_));
}

}  // namespace poseforge::ui
