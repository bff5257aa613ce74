// PresetBar: the toolbar's preset combo (built-ins, then the user's) and its save/rename/delete/
// import/export actions, over a presets::PresetStore.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QWidget>

#include "core/presets/preset_store.h"

class QComboBox;
class QToolButton;

namespace poseforge::ui {

// Choosing a preset emits apply(preset). The action methods are what the menu's dialogs call; they
// report problems (a poseforge::Error from the store) through message() and return false, never
// throw or block. `current` gives the settings to save.
class PresetBar : public QWidget {
  Q_OBJECT
 public:
  PresetBar(std::shared_ptr<presets::PresetStore> store, std::function<pipeline::Request()> current,
            QWidget* parent = nullptr);

  QComboBox* combo() const { return combo_; }
  std::optional<presets::Preset> selected() const;
  // Selects `name` in the combo and applies it; false when there is no such preset.
  bool select(const std::string& name);
  bool save_current_as(const std::string& name);
  bool rename_selected(const std::string& to);
  bool remove_selected();
  bool import_file(const QString& path);
  bool export_selected(const QString& path);
  void show_no_selection();  // the combo shows "Preset…" until one is chosen
  void reload();             // re-reads the store, keeping the selection where it still exists

 signals:
  void apply(const poseforge::presets::Preset& preset);
  void message(const QString& text);

 private:
  bool attempt(const QString& what, const std::function<void()>& action);
  void ask_save();
  void ask_rename();
  void ask_remove();
  void ask_import();
  void ask_export();

  std::shared_ptr<presets::PresetStore> store_;
  std::function<pipeline::Request()> current_;
  QComboBox* combo_;
  QToolButton* menu_button_;
};

}  // namespace poseforge::ui
