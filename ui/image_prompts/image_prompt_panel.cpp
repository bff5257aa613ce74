// The image prompt list: inputs, rows, messages.
#include "ui/image_prompts/image_prompt_panel.h"

#include <algorithm>

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/presets/preset_image_prompts.h"
#include "ui/common/image_drop_filter.h"
#include "ui/common/image_source.h"
#include "ui/common/input_panel_parts.h"
#include "ui/image_prompts/image_prompt_row.h"

namespace poseforge::ui {

std::vector<pipeline::Inputs::ImagePrompt> engine_image_prompts(const std::vector<ImagePromptInput>& inputs) {
  std::vector<pipeline::Inputs::ImagePrompt> out;
  for (const auto& in : inputs) {
    pipeline::Inputs::ImagePrompt p{in.pixels, in.weight};
    p.type = in.prompt.type;
    p.composition_weight = in.prompt.effective_composition_weight();
    p.start = in.prompt.start;
    p.end = in.prompt.end;
    p.mask = in.mask;
    out.push_back(std::move(p));
  }
  return out;
}

ImagePromptPanel::ImagePromptPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("ImagePromptPanel");
  setFocusPolicy(Qt::ClickFocus);  // a click anywhere in the panel makes Ctrl+V reach it
  auto* content = new QWidget;
  list_ = new QVBoxLayout(content);
  list_->setContentsMargins(0, 0, 0, 0);
  list_->setSpacing(4);
  hint_ = new QLabel(
      "Drop image prompts here (several at once), paste one (Ctrl+V) or use Open.\n"
      "Their look and style steer the picture through the IP-Adapter.",
      content);
  hint_->setObjectName("ImagePromptHint");
  hint_->setAlignment(Qt::AlignCenter);
  hint_->setWordWrap(true);
  hint_->setMinimumHeight(90);
  hint_->setStyleSheet("QLabel { color: palette(mid); border: 1px dashed palette(mid); }");
  list_->addWidget(hint_);
  list_->addStretch(1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // rows fit the dock's width
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(content);

  message_ = make_message_line("ImagePromptMessage", this);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(make_toolbar());
  layout->addWidget(scroll, 1);
  layout->addWidget(make_negative_slot());
  layout->addWidget(message_);

  auto* drops = new ImageDropFilter(this);
  connect(drops, &ImageDropFilter::dropped, this, &ImagePromptPanel::take_mime);
}

QWidget* ImagePromptPanel::make_toolbar() {
  auto* bar = new QToolBar(this);
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  bar->addAction("Open…", this, &ImagePromptPanel::open_dialog)->setToolTip("Add image prompts from files");
  connect(add_paste_action(this, bar, "Add the clipboard's picture or file"), &QAction::triggered, this,
          &ImagePromptPanel::paste);
  bar->addAction("Clear", this, &ImagePromptPanel::clear)->setToolTip("Remove all image prompts");
  return bar;
}

std::vector<pipeline::ImagePrompt> ImagePromptPanel::prompts() const {
  std::vector<pipeline::ImagePrompt> out;
  for (const ImagePromptRow* row : rows_) out.push_back(row->prompt());
  return out;
}

std::vector<ImagePromptInput> ImagePromptPanel::inputs() const {
  std::vector<ImagePromptInput> out;
  for (const ImagePromptRow* row : rows_) {
    out.push_back({row->image().path, row->weight(), row->image().pixels, row->prompt(),
                   row->mask().ok() ? row->mask().pixels : io::Image()});
  }
  return out;
}

int ImagePromptPanel::set_prompts(const std::vector<pipeline::ImagePrompt>& prompts) {
  QSignalBlocker quiet(this);  // one prompts_changed at the end
  clear();
  QStringList problems;
  for (const pipeline::ImagePrompt& p : prompts) {
    const LoadedImage image = load_image_file(QString::fromStdString(p.path));
    if (!image.ok()) {
      problems.append(image.error);
      continue;
    }
    add_row(image, p.weight);
    if (!rows_.back()->set_controls(p))
      problems.append("mask of " + image.path + ": " + QString::fromStdString(p.mask));
  }
  show_message(problems.join('\n'), !problems.isEmpty());
  quiet.unblock();
  emit prompts_changed();
  return count();
}

void ImagePromptPanel::add_row(const LoadedImage& image, double weight) {
  auto* row = new ImagePromptRow(image, weight, this);
  rows_.push_back(row);
  list_->insertWidget(list_->count() - 1, row);  // before the stretch
  connect(row, &ImagePromptRow::weight_changed, this, &ImagePromptPanel::prompts_changed);
  connect(row, &ImagePromptRow::controls_changed, this, &ImagePromptPanel::prompts_changed);
  connect(row, &ImagePromptRow::mask_problem, this, [this](const QString& text) { show_message(text, true); });
  connect(row, &ImagePromptRow::paint_mask_requested, this, [this, row] {
    const auto it = std::find(rows_.begin(), rows_.end(), row);
    if (it != rows_.end()) emit mask_paint_requested(static_cast<int>(it - rows_.begin()));
  });
  connect(row, &ImagePromptRow::remove_requested, this, [this, row] {
    const auto it = std::find(rows_.begin(), rows_.end(), row);
    if (it != rows_.end()) remove(static_cast<int>(it - rows_.begin()));
  });
  update_hint();
}

bool ImagePromptPanel::add_file(const QString& path, double weight) {
  const LoadedImage image = load_image_file(path);
  if (!image.ok()) {
    show_message("Cannot use this file as an image prompt: " + image.error, true);
    return false;
  }
  add_row(image, weight);
  show_message({});
  emit prompts_changed();
  return true;
}

int ImagePromptPanel::take_mime(const QMimeData* mime) {
  const MimeInput input = read_mime(mime);
  QStringList problems;
  if (!input.error.isEmpty()) problems.append(input.error);
  int added = 0;
  for (const LoadedImage& image : load_mime_images(input)) {
    if (!image.ok()) {
      problems.append(image.error);
      continue;
    }
    add_row(image, 1.0);
    ++added;
  }
  if (added == 0 && problems.isEmpty())
    problems.append("Nothing to use here: drop or paste a picture or an image file.");
  if (problems.isEmpty())
    show_message({});
  else
    show_message(
        (added > 0 ? QString("Added %1; skipped:\n").arg(added) : QString("Cannot use this as an image prompt: ")) +
            problems.join('\n'),
        true);
  if (added > 0) emit prompts_changed();
  return added;
}

bool ImagePromptPanel::paste() {
  return take_mime(QApplication::clipboard()->mimeData()) > 0;
}

void ImagePromptPanel::remove(int index) {
  if (index < 0 || index >= count()) return;
  ImagePromptRow* row = rows_[static_cast<std::size_t>(index)];
  rows_.erase(rows_.begin() + index);
  row->hide();
  row->deleteLater();
  update_hint();
  emit prompts_changed();
}

void ImagePromptPanel::set_weight(int index, double weight) {
  if (index >= 0 && index < count()) rows_[static_cast<std::size_t>(index)]->set_weight(weight);
}

void ImagePromptPanel::clear() {
  if (rows_.empty()) return;
  for (ImagePromptRow* row : rows_) {
    row->hide();
    row->deleteLater();
  }
  rows_.clear();
  update_hint();
  emit prompts_changed();
}

QString ImagePromptPanel::message() const {
  return message_->text();
}

void ImagePromptPanel::show_message(const QString& text, bool problem) {
  set_message(message_, text, problem);
}

void ImagePromptPanel::update_hint() {
  hint_->setVisible(rows_.empty());
}

void ImagePromptPanel::open_dialog() {
  const QStringList files = QFileDialog::getOpenFileNames(
      this, "Add image prompts", {}, "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff);;All files (*)");
  for (const QString& file : files) add_file(file);
}

QWidget* ImagePromptPanel::make_negative_slot() {
  auto* box = new QWidget(this);
  box->setObjectName("NegativeImagePrompt");
  box->setToolTip(
      "Negative image prompt: its embedding goes on the unconditional side instead of zeros, so the picture "
      "moves away from what it shows");
  negative_label_ = new QLabel(box);
  negative_label_->setObjectName("NegativeImageLabel");
  negative_label_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  auto* open = new QToolButton(box);
  open->setObjectName("NegativeImageOpen");
  open->setText("Open…");
  connect(open, &QToolButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, "Negative image prompt", {},
                                                      "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)");
    if (!file.isEmpty()) set_negative(file);
  });
  auto* clear = new QToolButton(box);
  clear->setObjectName("NegativeImageClear");
  clear->setText("✕");
  clear->setToolTip("No negative image prompt (zeros)");
  connect(clear, &QToolButton::clicked, this, [this] { set_negative({}); });
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(negative_label_, 1);
  layout->addWidget(open);
  layout->addWidget(clear);
  negative_.error = "none";
  update_negative();
  return box;
}

void ImagePromptPanel::update_negative() {
  const bool has = negative_.ok();
  negative_label_->setText(has ? "Negative image: " + QFileInfo(negative_.path).fileName()
                               : QString("Negative image: none"));
  negative_label_->setToolTip(has ? negative_.path : QString());
}

QString ImagePromptPanel::negative_path() const {
  return negative_.ok() ? negative_.path : QString();
}

io::Image ImagePromptPanel::negative_pixels() const {
  return negative_.ok() ? negative_.pixels : io::Image();
}

bool ImagePromptPanel::set_negative(const QString& path) {
  if (path.isEmpty()) {
    const bool had = negative_.ok();
    negative_ = LoadedImage();
    negative_.error = "none";
    update_negative();
    if (had) emit prompts_changed();
    return true;
  }
  const LoadedImage image = load_image_file(path);
  if (!image.ok()) {
    show_message("Cannot use this file as the negative image prompt: " + image.error, true);
    return false;
  }
  negative_ = image;
  update_negative();
  emit prompts_changed();
  return true;
}

bool ImagePromptPanel::set_mask_image(int index, const QImage& mask) {
  if (index < 0 || index >= count()) return false;
  const LoadedImage saved = load_image_data(mask.convertToFormat(QImage::Format_Grayscale8));
  if (!saved.ok()) {
    show_message("Cannot keep the painted mask: " + saved.error, true);
    return false;
  }
  rows_[static_cast<std::size_t>(index)]->set_mask(saved);
  return true;
}

void ImagePromptPanel::apply_preset_controls(const std::vector<pipeline::ImagePrompt>& controls) {
  if (controls.empty() || rows_.empty()) return;
  auto prompts = this->prompts();
  presets::apply_image_prompt_controls(controls, prompts);
  for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i]->set_controls(prompts[i]);
  emit prompts_changed();
}

ImagePromptRow* ImagePromptPanel::row(int index) const {
  return index >= 0 && index < count() ? rows_[static_cast<std::size_t>(index)] : nullptr;
}

}  // namespace poseforge::ui
