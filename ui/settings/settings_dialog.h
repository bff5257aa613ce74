// SettingsDialog: the models folder (with what ModelPaths finds and what is missing), device, precision, low VRAM.
#pragma once

#include <QDialog>

#include "ui/settings/engine_settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTreeWidget;

namespace poseforge::ui {

// Starts from load_engine_settings(); the component paths and ModelPaths::problems() follow the
// root as it is typed or picked. OK stores the settings (save_engine_settings); the caller then
// switches engines. Object names: "models_root", "browse_models", "model_parts" (QTreeWidget),
// "model_problems" (QLabel), "device", "dtype", "memory", "low_vram", "open_readme".
class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  explicit SettingsDialog(QWidget* parent = nullptr);

  EngineSettings settings() const;
  void set_models_root(const QString& root);
  // The problems shown for the current root (empty: the models are complete).
  QStringList problems() const { return problems_; }

  void accept() override;  // stores the settings

 private:
  void refresh_models();
  void browse();

  QLineEdit* root_ = nullptr;
  QTreeWidget* parts_ = nullptr;
  QLabel* problems_label_ = nullptr;
  QComboBox* device_ = nullptr;
  QComboBox* dtype_ = nullptr;
  QComboBox* memory_ = nullptr;
  QCheckBox* low_vram_ = nullptr;
  QStringList problems_;
};

}  // namespace poseforge::ui
