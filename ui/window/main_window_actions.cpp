// MainWindow, continued: the settings dialog and switching engines, restoring a result (history,
// dropped PNG) with its inputs into the left docks, and the detected-pose overlay.
#include <QAction>
#include <QDropEvent>
#include <QMimeData>
#include <QFileInfo>
#include <QLabel>
#include <QPainter>
#include <QStatusBar>

#include <spdlog/spdlog.h>

#include "ui/generation/engine_setup.h"
#include "ui/generation/generation_controller.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/window/main_window.h"
#include "ui/generation/parameters_panel.h"
#include "core/presets/png_restore.h"
#include "ui/results/png_metadata.h"
#include "ui/pose_editor/pose_painter.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/results/result_view.h"
#include "ui/settings/settings_dialog.h"

namespace poseforge::ui {
namespace {

bool file_exists(const std::string& path) {
  return !path.empty() && QFileInfo(QString::fromStdString(path)).isFile();
}

}  // namespace

SettingsDialog* MainWindow::open_settings() {
  auto* dialog = new SettingsDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, &MainWindow::apply_settings);
  dialog->open();
  return dialog;
}

void MainWindow::apply_settings() {
  const EngineSettings settings = load_engine_settings();
  const EngineChoice choice = choose_engine(settings.models_root, settings.options);
  parameters_->set_models_folder(QString::fromStdString(settings.models_root.string()));
  set_engine(choice.engine);
  status(QString::fromStdString(choice.message.substr(0, choice.message.find('\n'))));
}

void MainWindow::set_engine(std::shared_ptr<GenerationEngine> engine) {
  if (!engine) engine = std::make_shared<DemoEngine>();
  // The old controller cancels its run and waits for its thread before the new one starts.
  generation_.reset();
  engine_ = std::move(engine);
  generation_ = std::make_unique<GenerationController>(engine_);
  connect_generation();
  cancel_action_->setEnabled(false);
  refresh_engine_status();
  spdlog::info("engine: {} on {}", engine_->info().name, engine_->info().device);
}

bool MainWindow::restore_from_png(const QString& path) {
  try {
    // Ours ("poseforge"), A1111/Forge ("parameters") or ComfyUI ("prompt"/"workflow"), on the current settings.
    const auto restored = presets::restore_from_png(path.toStdString(), parameters_->request());
    if (!restored) {
      status(QString("%1 has no generation settings (no PoseForge, A1111/Forge or ComfyUI text in it)").arg(path));
      return false;
    }
    const pipeline::Request& request = restored->request;
    parameters_->set_request(request);
    const QImage image(path);
    if (!image.isNull()) show_entry({image, request, QString("Restored from %1").arg(path), {}, {}, {}});
    const bool ours = restored->report.tool == "PoseForge";
    const QString message = ours ? QString("Parameters restored from %1").arg(path)
                                 : QString::fromStdString(restored->report.message());
    status(message);
    spdlog::info("{}: {}", path.toStdString(), message.toStdString());
    if (ours) restore_inputs(request);  // after: its message about missing files wins
    return true;
  } catch (const std::exception& e) {
    status(QString("Cannot restore from %1: %2").arg(path, e.what()));
    spdlog::error("{}", e.what());
    return false;
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile() && url.toLocalFile().endsWith(".png", Qt::CaseInsensitive)) {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile() && url.toLocalFile().endsWith(".png", Qt::CaseInsensitive)) {
      restore_from_png(url.toLocalFile());
      event->acceptProposedAction();
      return;
    }
  }
}

bool MainWindow::restore_inputs(const pipeline::Request& request) {
  QStringList missing;
  if (file_exists(request.pose_json)) {
    if (!pose_panel_->import_pose_json(QString::fromStdString(request.pose_json), request.pose_frame))
      missing << "the pose JSON";
  } else if (file_exists(request.pose_image)) {
    if (!pose_panel_->open_file(QString::fromStdString(request.pose_image))) missing << "the pose photo";
  } else if (!request.pose_json.empty() || !request.pose_image.empty()) {
    missing << QString("the pose (%1 is gone)")
                   .arg(QString::fromStdString(request.pose_json.empty() ? request.pose_image : request.pose_json));
  }
  pose::DrawParts parts;
  parts.body = request.pose_body, parts.hands = request.pose_hands, parts.face = request.pose_face;
  pose_panel_->document()->set_shown_parts(parts);
  const int prompts = image_prompt_panel_->set_prompts(request.image_prompts);
  if (!image_prompt_panel_->set_negative(QString::fromStdString(request.ip_negative_image)))
    missing << "the negative image prompt";
  if (prompts < static_cast<int>(request.image_prompts.size())) {
    missing << QString("%1 of %2 image prompts").arg(request.image_prompts.size() - prompts).arg(request.image_prompts.size());
  }
  if (missing.isEmpty()) return true;
  const QString text = "Not restored (files missing or unreadable): " + missing.join(", ");
  status(text);
  spdlog::warn("{}", text.toStdString());
  return false;
}

void MainWindow::set_show_detected_pose(bool on) {
  if (detected_pose_action_->isChecked() != on) detected_pose_action_->setChecked(on);  // re-enters through toggled
  if (current_.image.isNull()) return;
  result_view_->show_result(shown_image(), current_.caption);
  if (!on) return;
  if (!current_.detected_pose) {
    status("This result has no detected pose (pose adherence was not measured)");
  } else if (current_.detected_pose->empty()) {
    status("Nobody was detected in this result");
  }
}

QImage MainWindow::shown_image() const {
  if (!detected_pose_action_->isChecked() || !current_.detected_pose || current_.detected_pose->empty() ||
      current_.image.isNull()) {
    return current_.image;
  }
  const pose::Pose& detected = *current_.detected_pose;
  QImage image = current_.image.convertToFormat(QImage::Format_RGB32);
  QPainter painter(&image);
  painter.setRenderHint(QPainter::Antialiasing);
  paint_skeleton(painter, detected,
                 PoseViewGeometry(QSizeF(image.size()), QSize(detected.canvas_width(), detected.canvas_height())));
  return image;
}

}  // namespace poseforge::ui
