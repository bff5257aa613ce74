// One row of the image prompt list.
#include "ui/image_prompts/image_prompt_row.h"

#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace poseforge::ui {
namespace {
constexpr int kThumbnail = 48;
}

ImagePromptRow::ImagePromptRow(LoadedImage image, double weight, QWidget* parent)
    : QFrame(parent), image_(std::move(image)) {
  setObjectName("ImagePromptRow");
  setFrameShape(QFrame::StyledPanel);
  auto* thumb = new QLabel(this);
  thumb->setObjectName("PromptThumbnail");
  thumb->setFixedSize(kThumbnail, kThumbnail);
  thumb->setAlignment(Qt::AlignCenter);
  thumb->setPixmap(
      QPixmap::fromImage(image_.image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::SmoothTransformation)));

  const QFileInfo info(image_.path);
  auto* name = new QLabel(info.fileName(), this);
  name->setToolTip(QString("%1\n%2 x %3").arg(image_.path).arg(image_.pixels.width).arg(image_.pixels.height));
  name->setMinimumWidth(40);
  name->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

  weight_ = new QDoubleSpinBox(this);
  weight_->setObjectName("PromptWeight");
  weight_->setRange(kMinWeight, kMaxWeight);
  weight_->setSingleStep(0.05);
  weight_->setDecimals(2);
  weight_->setValue(weight);
  weight_->setPrefix("weight ");
  weight_->setToolTip("Relative weight of this image among the image prompts");
  connect(weight_, &QDoubleSpinBox::valueChanged, this, &ImagePromptRow::weight_changed);

  auto* remove = new QToolButton(this);
  remove->setObjectName("RemovePrompt");
  remove->setText("✕");
  remove->setToolTip("Remove this image prompt");
  connect(remove, &QToolButton::clicked, this, &ImagePromptRow::remove_requested);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(thumb);
  layout->addWidget(name, 1);
  layout->addWidget(weight_);
  layout->addWidget(remove);
}

double ImagePromptRow::weight() const {
  return weight_->value();
}

void ImagePromptRow::set_weight(double weight) {
  weight_->setValue(weight);
}

}  // namespace poseforge::ui
