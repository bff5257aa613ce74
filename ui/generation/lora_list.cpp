// LoraList: rows rebuilt from the list; weight edits and removals write back and emit changed().
#include "ui/generation/lora_list.h"

#include <filesystem>

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace poseforge::ui {

LoraList::LoraList(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  rows_ = new QVBoxLayout;
  layout->addLayout(rows_);
  auto* add = new QToolButton;
  add->setObjectName("add_lora");
  add->setText("Add LoRA…");
  add->setToolTip("Merge a LoRA (.safetensors) into the model; <lora:name:0.8> in the prompt works too");
  layout->addWidget(add, 0, Qt::AlignLeft);
  connect(add, &QToolButton::clicked, this, &LoraList::choose_file);
  rebuild();
}

void LoraList::set_loras(const std::vector<pipeline::LoraRequest>& loras) {
  if (loras == loras_) return;
  loras_ = loras;
  rebuild();
}

void LoraList::add_file(const QString& path, double weight) {
  QString name = path;
  if (!folder_.isEmpty()) {
    const QString relative = QDir(folder_).relativeFilePath(path);
    if (!relative.startsWith("..") && !QFileInfo(relative).isAbsolute()) name = relative;
  }
  loras_.push_back({name.toStdString(), weight});
  rebuild();
  emit changed();
}

void LoraList::choose_file() {
  const QString file = QFileDialog::getOpenFileName(this, "Add LoRA", folder_, "LoRA (*.safetensors *.pt *.bin)");
  if (!file.isEmpty()) add_file(file);
}

void LoraList::rebuild() {
  while (QLayoutItem* item = rows_->takeAt(0)) {
    if (QLayout* row = item->layout()) {
      while (QLayoutItem* w = row->takeAt(0)) {
        delete w->widget();
        delete w;
      }
    }
    delete item;
  }
  for (std::size_t i = 0; i < loras_.size(); ++i) {
    auto* row = new QHBoxLayout;
    auto* name = new QLabel(QString::fromStdString(std::filesystem::path(loras_[i].path).stem().string()));
    name->setObjectName(QString("lora_name_%1").arg(i));
    name->setToolTip(QString::fromStdString(loras_[i].path));
    auto* weight = new QDoubleSpinBox;
    weight->setObjectName(QString("lora_weight_%1").arg(i));
    weight->setRange(-4.0, 4.0);
    weight->setSingleStep(0.05);
    weight->setDecimals(2);
    weight->setValue(loras_[i].weight);
    auto* remove = new QToolButton;
    remove->setObjectName(QString("remove_lora_%1").arg(i));
    remove->setText("✕");
    remove->setToolTip("Remove this LoRA");
    row->addWidget(name, 1);
    row->addWidget(weight);
    row->addWidget(remove);
    rows_->addLayout(row);
    connect(weight, &QDoubleSpinBox::valueChanged, this, [this, i](double v) {
      loras_[i].weight = v;
      emit changed();
    });
    connect(remove, &QToolButton::clicked, this, [this, i] {
      loras_.erase(loras_.begin() + static_cast<std::ptrdiff_t>(i));
      QMetaObject::invokeMethod(
          this, [this] { rebuild(); }, Qt::QueuedConnection);  // not inside the button's signal
      emit changed();
    });
  }
}

}  // namespace poseforge::ui
