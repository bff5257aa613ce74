// PoseDocument: the pose being edited, its reference photo and the undo stack (no widgets).
#pragma once

#include <cstddef>

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QUndoStack>

#include "core/io/image.h"
#include "core/pose/pose.h"

namespace poseforge::ui {

// The model behind the pose overlay (qView's "core beside the view"): every edit goes through
// here as a PoseEditCommand on the undo stack and ends in pose_changed(). Coordinates are
// normalised to [0, 1] of the canvas; moves are clamped into it. Edits with bad person/keypoint
// indices throw poseforge::Error (from core/pose) before anything changes.
class PoseDocument : public QObject {
  Q_OBJECT
 public:
  explicit PoseDocument(QObject* parent = nullptr);

  const pose::Pose& pose() const { return pose_; }
  const QImage& photo() const { return photo_; }
  const QString& photo_path() const { return photo_path_; }
  bool has_photo() const { return !photo_.isNull(); }
  QUndoStack* undo_stack() { return &undo_; }
  // The pixel size pose coordinates refer to: the pose's canvas, else the photo's, else 512 x 512.
  QSize canvas_size() const;
  // The size the overlay shows: the photo's when there is one (the detector's canvas is the photo
  // resized to multiples of 64, a slightly different aspect), else canvas_size().
  QSize display_size() const { return has_photo() ? photo_.size() : canvas_size(); }

  // A new reference photo. The old pose belonged to the old photo: it is cleared (undoably).
  void set_photo(const QImage& photo, const QString& path);
  // Drops the photo (the pose stays and is shown on black).
  void clear_photo();
  // Replaces the whole pose (a detection, a loaded file): one undo step called `text`.
  void replace_pose(const pose::Pose& pose, const QString& text);

  // Mouse drags: calls with the same drag id (from new_drag_id) merge into one undo step.
  int new_drag_id() { return ++last_drag_id_; }
  void move_keypoint(std::size_t person, int keypoint, double x, double y, int drag_id = 0);
  void add_keypoint(std::size_t person, int keypoint, double x, double y);
  void remove_keypoint(std::size_t person, int keypoint);
  // Adds a standing person (standing_person.h) beside the others; returns its index.
  std::size_t add_person();
  void remove_person(std::size_t person);

  // OpenPose JSON (core/pose/pose_json.h). Loading is undoable; a JSON without a canvas size takes
  // the photo's. Both throw poseforge::Error naming the file.
  void import_json(const QString& path);
  void export_json(const QString& path) const;

  // The ControlNet image of the current pose at width x height (core render_control_image).
  io::Image control_image(int width, int height) const;

 signals:
  void pose_changed();
  void photo_changed();

 private:
  friend class PoseEditCommand;
  void apply(const pose::Pose& pose);  // called by commands only
  void push(const QString& text, pose::Pose after, int merge_key = 0);
  // The current pose, given a canvas (the photo's size) when it has none yet.
  pose::Pose editable() const;

  pose::Pose pose_;
  QImage photo_;
  QString photo_path_;
  QUndoStack undo_;
  int last_drag_id_ = 0;
};

}  // namespace poseforge::ui
