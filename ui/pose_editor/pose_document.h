// PoseDocument: the pose being edited, its reference photo and the undo stack (no widgets).
#pragma once

#include <cstddef>
#include <optional>

#include <QImage>
#include <QObject>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QUndoStack>

#include "core/io/image.h"
#include "core/pose/draw.h"
#include "core/pose/pose.h"
#include "core/pose/pose_json.h"
#include "core/pose/pose_transform.h"
#include "ui/pose_editor/pose_geometry.h"

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
  // resized to multiples of 64, a slightly different aspect), else canvas_size(); after a fit to the
  // output size, the new canvas (the photo cropped or padded into it, see photo_rect).
  QSize display_size() const { return has_photo() && !fit_mode_ ? photo_.size() : canvas_size(); }
  // Where the photo lies on the displayed canvas, in normalised coordinates ({0, 0, 1, 1} unless the
  // pose was fitted to a canvas of another aspect: then larger (crop) or smaller (pad)).
  QRectF photo_rect() const;

  // Which parts are shown and edited, and drawn into the control image (body, hands, face).
  const pose::DrawParts& shown_parts() const { return shown_; }
  void set_shown_parts(const pose::DrawParts& parts);

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
  // The same for any part's point (hands and face too); moves are clamped into the canvas.
  void move_point(const JointRef& point, double x, double y, int drag_id = 0);
  void remove_point(const JointRef& point);
  // Adds a standing person (standing_person.h) beside the others; returns its index.
  std::size_t add_person();
  void remove_person(std::size_t person);

  // Pose tools (core/pose/pose_transform.h), each one undo step. transform_person calls with the same
  // drag id merge (a Shift+drag of a person).
  void flip_horizontal();
  void transform_person(std::size_t person, double scale, double dx, double dy, int drag_id = 0);
  // Refits the pose (and the photo, as shown) to width x height; returns the points cut off.
  int fit_to_size(int width, int height, pose::FitMode mode);

  // OpenPose JSON (core/pose/pose_json.h), any dialect. Loading is undoable; a JSON without a canvas
  // size takes the photo's. Both throw poseforge::Error naming the file. Returns what was read.
  pose::PoseJsonImport import_json(const QString& path, int frame = 0);
  void export_json(const QString& path) const;

  // The ControlNet image of the current pose at width x height (core render_control_image), with the
  // parts shown.
  io::Image control_image(int width, int height) const;

 signals:
  void pose_changed();
  void photo_changed();
  void parts_changed();

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
  pose::DrawParts shown_;
  std::optional<pose::FitMode> fit_mode_;  // set by fit_to_size: how the photo lies on the canvas
};

}  // namespace poseforge::ui
