// One row of the image prompt list: the picture, its strength and where and when it acts.
#include "ui/image_prompts/image_prompt_row.h"

#include <algorithm>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

namespace poseforge::ui {
namespace {
constexpr int kThumbnail = 48;
constexpr int kMaskThumbnail = 22;

QDoubleSpinBox* make_spin(QWidget* parent, const char* name, double min, double max, double value,
                          const QString& prefix, const QString& tip) {
  auto* spin = new QDoubleSpinBox(parent);
  spin->setObjectName(name);
  spin->setRange(min, max);
  spin->setSingleStep(0.05);
  spin->setDecimals(2);
  spin->setValue(value);
  spin->setPrefix(prefix);
  spin->setToolTip(tip);
  return spin;
}

}  // namespace

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

  weight_ = make_spin(this, "PromptWeight", kMinWeight, kMaxWeight, weight, "weight ",
                      "Strength of this image where its type acts (times the IP-Adapter scale); image prompts of "
                      "the same type, start/end and no mask are averaged by their weights");
  connect(weight_, &QDoubleSpinBox::valueChanged, this, &ImagePromptRow::weight_changed);

  auto* remove = new QToolButton(this);
  remove->setObjectName("RemovePrompt");
  remove->setText("✕");
  remove->setToolTip("Remove this image prompt");
  connect(remove, &QToolButton::clicked, this, &ImagePromptRow::remove_requested);

  auto* top = new QHBoxLayout;
  top->addWidget(name, 1);
  top->addWidget(weight_);
  top->addWidget(remove);
  auto* right = new QVBoxLayout;
  right->setSpacing(2);
  right->addLayout(top);
  right->addWidget(make_controls());
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(thumb, 0, Qt::AlignTop);
  layout->addLayout(right, 1);
  mask_.error = "no mask";
  update_type_widgets();
  update_mask_widgets();
}

QWidget* ImagePromptRow::make_controls() {
  auto* box = new QWidget(this);
  type_ = new QComboBox(box);
  type_->setObjectName("PromptType");
  for (const auto type : diffusion::all_ip_weight_types()) {
    type_->addItem(diffusion::ip_weight_type_label(type), static_cast<int>(type));
    type_->setItemData(type_->count() - 1, diffusion::ip_weight_type_description(type), Qt::ToolTipRole);
  }
  connect(type_, &QComboBox::currentIndexChanged, this, [this] {
    update_type_widgets();
    emit controls_changed();
  });
  composition_ = make_spin(box, "PromptCompositionWeight", 0.0, kMaxWeight, 1.0, "composition ",
                           "Style + composition: the composition block's weight (the weight sets the style block's)");
  start_ = make_spin(box, "PromptStart", 0.0, 0.99, 0.0, "", "Fraction of the steps where this image starts acting");
  end_ = make_spin(box, "PromptEnd", 0.01, 1.0, 1.0, "", "Fraction of the steps where it stops acting");
  auto* steps = new QLabel("steps", box);
  steps->setToolTip("The part of the steps where this image acts (start - end, fractions like ControlNet's)");
  auto* dash = new QLabel("–", box);
  for (auto* spin : {composition_, start_, end_}) {
    connect(spin, &QDoubleSpinBox::valueChanged, this, &ImagePromptRow::controls_changed);
  }
  // start < end: each keeps the other one step away
  connect(start_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    if (end_->value() <= v) end_->setValue(std::min(1.0, v + 0.05));
  });
  connect(end_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    if (start_->value() >= v) start_->setValue(std::max(0.0, v - 0.05));
  });

  mask_thumb_ = new QLabel(box);
  mask_thumb_->setObjectName("PromptMaskThumbnail");
  mask_thumb_->setFixedSize(kMaskThumbnail, kMaskThumbnail);
  mask_thumb_->setFrameShape(QFrame::Box);
  mask_button_ = new QToolButton(box);
  mask_button_->setObjectName("PromptMask");
  mask_button_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(mask_button_);
  menu->addAction("Paint over the pose reference…", this, &ImagePromptRow::paint_mask_requested);
  menu->addAction("Load a mask file…", this, &ImagePromptRow::load_mask_dialog);
  menu->addAction("Whole picture (no mask)", this, &ImagePromptRow::clear_mask);
  mask_button_->setMenu(menu);

  auto* grid = new QGridLayout(box);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setHorizontalSpacing(4);
  grid->setVerticalSpacing(2);
  // type (and composition weight), then steps start - end and the region
  grid->addWidget(type_, 0, 0, 1, 4);
  grid->addWidget(composition_, 0, 4, 1, 3);
  grid->addWidget(steps, 1, 0);
  grid->addWidget(start_, 1, 1);
  grid->addWidget(dash, 1, 2);
  grid->addWidget(end_, 1, 3);
  grid->addWidget(mask_thumb_, 1, 5);
  grid->addWidget(mask_button_, 1, 6);
  grid->setColumnStretch(4, 1);
  return box;
}

double ImagePromptRow::weight() const {
  return weight_->value();
}

void ImagePromptRow::set_weight(double weight) {
  weight_->setValue(weight);
}

diffusion::IpWeightType ImagePromptRow::type() const {
  return static_cast<diffusion::IpWeightType>(type_->currentData().toInt());
}

void ImagePromptRow::set_type(diffusion::IpWeightType type) {
  type_->setCurrentIndex(type_->findData(static_cast<int>(type)));
}

pipeline::ImagePrompt ImagePromptRow::prompt() const {
  pipeline::ImagePrompt p{image_.path.toStdString(), weight()};
  p.type = type();
  if (p.type == diffusion::IpWeightType::StyleAndComposition) p.composition_weight = composition_->value();
  p.start = start_->value();
  p.end = end_->value();
  p.mask = mask_.ok() ? mask_.path.toStdString() : std::string();
  return p;
}

bool ImagePromptRow::set_controls(const pipeline::ImagePrompt& p) {
  const QSignalBlocker quiet(this);
  set_weight(p.weight);
  set_type(p.type);
  composition_->setValue(p.effective_composition_weight());
  end_->setValue(1.0);  // widen first so that any start < end pair fits
  start_->setValue(p.start);
  end_->setValue(p.end);
  bool ok = true;
  if (p.mask.empty()) {
    clear_mask();
  } else {
    const LoadedImage mask = load_image_file(QString::fromStdString(p.mask));
    ok = mask.ok();
    if (ok)
      set_mask(mask);
    else
      clear_mask();
  }
  update_type_widgets();
  return ok;
}

void ImagePromptRow::set_mask(const LoadedImage& mask) {
  mask_ = mask;
  update_mask_widgets();
  emit controls_changed();
}

void ImagePromptRow::clear_mask() {
  const bool had = mask_.ok() && !mask_.path.isEmpty();
  mask_ = LoadedImage();
  mask_.error = "no mask";
  update_mask_widgets();
  if (had) emit controls_changed();
}

void ImagePromptRow::update_type_widgets() {
  const auto t = type();
  composition_->setVisible(t == diffusion::IpWeightType::StyleAndComposition);
  weight_->setPrefix(t == diffusion::IpWeightType::StyleAndComposition ? "style " : "weight ");
  type_->setToolTip(QString("Weight type: %1").arg(diffusion::ip_weight_type_description(t)));
}

void ImagePromptRow::update_mask_widgets() {
  const bool has = mask_.ok() && !mask_.image.isNull();
  if (has) {
    mask_thumb_->setPixmap(QPixmap::fromImage(
        mask_.image.scaled(kMaskThumbnail, kMaskThumbnail, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
  } else {
    mask_thumb_->clear();
  }
  mask_thumb_->setVisible(has);
  mask_button_->setText(has ? "Region" : "Whole");
  mask_button_->setToolTip(has ? QString("Acts only where the mask is white (%1)").arg(mask_.path)
                               : "Acts on the whole picture; paint or load a mask to limit it to a region");
}

void ImagePromptRow::load_mask_dialog() {
  const QString file = QFileDialog::getOpenFileName(this, "Mask for this image prompt (white: where it acts)", {},
                                                    "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)");
  if (file.isEmpty()) return;
  const LoadedImage mask = load_image_file(file);
  if (!mask.ok()) {
    emit mask_problem("Cannot use this file as a mask: " + mask.error);
    return;
  }
  set_mask(mask);
}

}  // namespace poseforge::ui
