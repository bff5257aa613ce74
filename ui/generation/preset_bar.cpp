// PresetBar: a combo filled from the PresetStore; dialogs only collect names and paths.
#include "ui/generation/preset_bar.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QToolButton>

#include <spdlog/spdlog.h>

namespace poseforge::ui {

PresetBar::PresetBar(std::shared_ptr<presets::PresetStore> store, std::function<pipeline::Request()> current,
                     QWidget* parent)
    : QWidget(parent),
      store_(std::move(store)),
      current_(std::move(current)),
      combo_(new QComboBox),
      menu_button_(new QToolButton) {
  combo_->setObjectName("preset_combo");
  combo_->setMinimumContentsLength(16);
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo_->setPlaceholderText("Preset…");
  combo_->setToolTip("Preset: choose to apply its settings");
  menu_button_->setObjectName("preset_menu");
  menu_button_->setText("Presets");
  menu_button_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(menu_button_);
  menu->addAction("Save current settings as…", this, &PresetBar::ask_save);
  menu->addAction("Rename…", this, &PresetBar::ask_rename);
  menu->addAction("Delete", this, &PresetBar::ask_remove);
  menu->addSeparator();
  menu->addAction("Import…", this, &PresetBar::ask_import);
  menu->addAction("Export…", this, &PresetBar::ask_export);
  menu_button_->setMenu(menu);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(combo_);
  layout->addWidget(menu_button_);
  connect(combo_, &QComboBox::activated, this, [this] {
    if (auto preset = selected()) emit apply(*preset);
  });
  reload();
}

void PresetBar::reload() {
  const QString keep = combo_->currentData().toString();
  const QSignalBlocker block(combo_);
  combo_->clear();
  bool builtins_done = false;
  for (const auto& preset : store_->list()) {
    if (!preset.builtin && !builtins_done && combo_->count() > 0) combo_->insertSeparator(combo_->count());
    builtins_done = builtins_done || !preset.builtin;
    const QString name = QString::fromStdString(preset.name);
    combo_->addItem(preset.builtin ? name + "  (built-in)" : name, name);
    combo_->setItemData(combo_->count() - 1, QString::fromStdString(preset.description), Qt::ToolTipRole);
  }
  for (const auto& problem : store_->last_problems()) emit message(QString::fromStdString(problem));
  const int index = combo_->findData(keep);
  combo_->setCurrentIndex(index >= 0 ? index : (combo_->count() > 0 ? 0 : -1));
}

void PresetBar::show_no_selection() {
  combo_->setCurrentIndex(-1);
}

std::optional<presets::Preset> PresetBar::selected() const {
  const QString name = combo_->currentData().toString();
  if (name.isEmpty()) return std::nullopt;
  return store_->find(name.toStdString());
}

bool PresetBar::select(const std::string& name) {
  const int index = combo_->findData(QString::fromStdString(name));
  if (index < 0) return false;
  combo_->setCurrentIndex(index);
  if (auto preset = selected()) emit apply(*preset);
  return true;
}

bool PresetBar::attempt(const QString& what, const std::function<void()>& action) {
  try {
    action();
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("{}: {}", what.toStdString(), e.what());
    emit message(QString("%1: %2").arg(what, e.what()));
    return false;
  }
}

bool PresetBar::save_current_as(const std::string& name) {
  const bool ok =
      attempt("cannot save the preset", [&] { store_->save(presets::Preset::from_request(name, current_())); });
  if (ok) {
    reload();
    combo_->setCurrentIndex(combo_->findData(QString::fromStdString(name)));
    emit message(QString("Preset '%1' saved").arg(QString::fromStdString(name)));
  }
  return ok;
}

bool PresetBar::rename_selected(const std::string& to) {
  const auto preset = selected();
  if (!preset) return false;
  const bool ok = attempt("cannot rename the preset", [&] { store_->rename(preset->name, to); });
  if (ok) {
    reload();
    combo_->setCurrentIndex(combo_->findData(QString::fromStdString(to)));
  }
  return ok;
}

bool PresetBar::remove_selected() {
  const auto preset = selected();
  if (!preset) return false;
  const bool ok = attempt("cannot delete the preset", [&] { store_->remove(preset->name); });
  if (ok) reload();
  return ok;
}

bool PresetBar::import_file(const QString& path) {
  std::string name;
  const bool ok = attempt("cannot import the preset", [&] { name = store_->import_file(path.toStdString()).name; });
  if (ok) {
    reload();
    select(name);
  }
  return ok;
}

bool PresetBar::export_selected(const QString& path) {
  const auto preset = selected();
  if (!preset) return false;
  return attempt("cannot export the preset", [&] { store_->export_file(preset->name, path.toStdString()); });
}

void PresetBar::ask_save() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, "Save preset", "Name:", QLineEdit::Normal, {}, &ok);
  if (ok && !name.trimmed().isEmpty()) save_current_as(name.trimmed().toStdString());
}

void PresetBar::ask_rename() {
  const auto preset = selected();
  if (!preset || preset->builtin) {
    emit message("Built-in presets cannot be renamed; save a copy under a new name");
    return;
  }
  bool ok = false;
  const QString to = QInputDialog::getText(this, "Rename preset", "New name:", QLineEdit::Normal,
                                           QString::fromStdString(preset->name), &ok);
  if (ok && !to.trimmed().isEmpty()) rename_selected(to.trimmed().toStdString());
}

void PresetBar::ask_remove() {
  const auto preset = selected();
  if (!preset || preset->builtin) {
    emit message("Built-in presets cannot be deleted");
    return;
  }
  const auto answer = QMessageBox::question(
      this, "Delete preset", QString("Delete the preset '%1'?").arg(QString::fromStdString(preset->name)));
  if (answer == QMessageBox::Yes) remove_selected();
}

void PresetBar::ask_import() {
  const QString path = QFileDialog::getOpenFileName(this, "Import preset", {}, "Presets (*.json)");
  if (!path.isEmpty()) import_file(path);
}

void PresetBar::ask_export() {
  const auto preset = selected();
  if (!preset) return;
  const QString path = QFileDialog::getSaveFileName(this, "Export preset",
                                                    QString::fromStdString(preset->name) + ".json", "Presets (*.json)");
  if (!path.isEmpty()) export_selected(path);
}

}  // namespace poseforge::ui
