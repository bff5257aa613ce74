// PosePanel: the "Pose reference" dock: photo slot, detection, the pose overlay and its tools.
#pragma once

#include <QSize>
#include <QString>
#include <QWidget>

#include "core/io/image.h"
#include "core/pose/pose.h"

class QLabel;
class QMimeData;
class QSlider;

namespace poseforge::ui {

class PoseCanvas;
class PoseDetectionService;
class PoseDocument;
struct LoadedImage;

// Takes a reference photo (drop, paste, Open) and detects the pose in the background, or a pose
// JSON (drop, Import) to use on its own; shows both in a PoseCanvas with photo/skeleton/both,
// photo opacity, undo/redo (Ctrl+Z, Ctrl+Shift+Z) and JSON export. Problems (unreadable files, a
// missing body model with what to download, a failed detection) are shown in the panel's message
// line; nothing here throws.
class PosePanel : public QWidget {
  Q_OBJECT
 public:
  explicit PosePanel(QWidget* parent = nullptr);

  // --- for the main window and the pipeline ---
  const pose::Pose& pose() const;
  // The reference photo's file ("" when the pose stands alone; pasted photos are cached as PNGs).
  QString reference_path() const;
  // The ControlNet control image of the current pose at width x height (OpenPose drawing).
  io::Image control_image(int width, int height) const;

  // --- actions (also what the buttons, drops and shortcuts call) ---
  // A photo starts detection; a .json file is loaded as the pose. False when it could not be read.
  bool open_file(const QString& path);
  // Any OpenPose JSON dialect; `frame` picks a frame of a ComfyUI POSE_KEYPOINT list. The message
  // line says what was read (dialect, people, frames) and any warning.
  bool import_pose_json(const QString& path, int frame = 0);
  bool export_pose_json(const QString& path);
  // The clipboard's picture or file; false (with a message) when it has neither.
  bool paste();
  // What a drop or paste carries.
  bool take_mime(const QMimeData* mime);
  // The body weights to detect with instead of looking them up under the models root ("" = look up).
  void set_body_model(const QString& path) { body_model_ = path; }
  // The generation's output size: Pose > Fit to output size uses it, and the message line says when
  // the pose's shape differs from it.
  void set_output_size(QSize size);
  QSize output_size() const { return output_size_; }

  // --- state, for the window and tests ---
  PoseDocument* document() const { return document_; }
  PoseCanvas* canvas() const { return canvas_; }
  bool detecting() const;
  QString message() const;

 signals:
  void pose_changed();
  void reference_changed(const QString& path);
  void detection_finished(bool ok);

 private:
  QWidget* make_toolbar();
  QWidget* make_view_controls();
  void set_reference(const LoadedImage& image);
  void start_detection(const io::Image& pixels);
  void show_message(const QString& text, bool problem = false);
  void open_dialog();
  void import_dialog();
  void export_dialog();

  PoseDocument* document_;
  PoseDetectionService* detection_;
  PoseCanvas* canvas_ = nullptr;
  QLabel* message_ = nullptr;
  QSlider* opacity_ = nullptr;
  QString body_model_;
  QSize output_size_{1024, 1024};
};

}  // namespace poseforge::ui
