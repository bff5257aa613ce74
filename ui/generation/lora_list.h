// LoraList: the LoRAs of the next generation, each with a weight (a row: name, weight, remove) and "Add LoRA…".
#pragma once

#include <vector>

#include <QString>
#include <QWidget>

#include "core/pipeline/request.h"

class QVBoxLayout;

namespace poseforge::ui {

// Object names: "add_lora" (QToolButton), per row i "lora_name_i" (QLabel), "lora_weight_i" (QDoubleSpinBox,
// -4 to 4), "remove_lora_i" (QToolButton). Files inside folder() are kept as names relative to it (the
// request resolves them in <models>/loras), others as full paths.
class LoraList : public QWidget {
  Q_OBJECT
 public:
  explicit LoraList(QWidget* parent = nullptr);

  std::vector<pipeline::LoraRequest> loras() const { return loras_; }
  void set_loras(const std::vector<pipeline::LoraRequest>& loras);  // emits nothing
  // <models>/loras: where "Add LoRA…" opens and what names are relative to.
  void set_folder(const QString& folder) { folder_ = folder; }
  QString folder() const { return folder_; }
  // Appends a LoRA file (as a name when it lies in folder()) and emits changed().
  void add_file(const QString& path, double weight = 1.0);

 signals:
  void changed();

 private:
  void rebuild();
  void choose_file();

  std::vector<pipeline::LoraRequest> loras_;
  QVBoxLayout* rows_ = nullptr;
  QString folder_;
};

}  // namespace poseforge::ui
