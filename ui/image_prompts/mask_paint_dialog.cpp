// The mask painter dialog.
#include "ui/image_prompts/mask_paint_dialog.h"

#include <algorithm>

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "ui/image_prompts/mask_canvas.h"

namespace poseforge::ui {

MaskPaintDialog::MaskPaintDialog(const QImage& background, const QImage& mask, const QString& title, QWidget* parent)
    : QDialog(parent) {
  setObjectName("MaskPaintDialog");
  setWindowTitle(title);
  canvas_ = new MaskCanvas(this);
  canvas_->set_background(background, mask);
  const int side = std::max(background.width(), background.height());

  auto* hint = new QLabel(
      "Paint where this image prompt acts (left button); erase with the right button or Shift. "
      "The tinted part is the region; the rest of the picture ignores this image.",
      this);
  hint->setWordWrap(true);
  brush_ = new QSlider(Qt::Horizontal, this);
  brush_->setObjectName("MaskBrushSize");
  brush_->setRange(1, std::max(2, side / 4));
  brush_->setValue(std::max(2, side / 20));
  brush_->setToolTip("Brush radius in pixels of the pose reference");
  canvas_->set_brush_radius(brush_->value());
  connect(brush_, &QSlider::valueChanged, canvas_, &MaskCanvas::set_brush_radius);
  auto* clear = new QPushButton("Clear", this);
  clear->setObjectName("MaskClear");
  connect(clear, &QPushButton::clicked, canvas_, [this] { canvas_->fill(false); });
  auto* fill = new QPushButton("Fill", this);
  fill->setObjectName("MaskFill");
  connect(fill, &QPushButton::clicked, canvas_, [this] { canvas_->fill(true); });
  auto* invert = new QPushButton("Invert", this);
  invert->setObjectName("MaskInvert");
  connect(invert, &QPushButton::clicked, canvas_, &MaskCanvas::invert);
  auto* tools = new QHBoxLayout;
  tools->addWidget(new QLabel("Brush", this));
  tools->addWidget(brush_, 1);
  tools->addWidget(clear);
  tools->addWidget(fill);
  tools->addWidget(invert);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(hint);
  layout->addWidget(canvas_, 1);
  layout->addLayout(tools);
  layout->addWidget(buttons);
  resize(560, 640);
}

QImage MaskPaintDialog::mask() const {
  return canvas_->mask();
}

}  // namespace poseforge::ui
