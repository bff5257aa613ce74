// PoseCanvas: the pose overlay widget (photo + vector skeleton) with joint dragging and editing.
#pragma once

#include <optional>

#include <QImage>
#include <QWidget>

#include "ui/pose_editor/pose_geometry.h"

class QMenu;

namespace poseforge::ui {

class PoseDocument;

enum class PoseLayers { Both, Photo, Skeleton };

// Shows a PoseDocument and edits it: drag a point (body joint, hand or face point, of the parts
// shown) to move it (one undo step per drag), Shift+drag to move its whole person, click to select,
// Delete/Backspace removes the selected point, the context menu deletes points, removes and scales
// people, adds missing keypoints where it was opened and adds people. The wheel zooms about the
// cursor (1x-8x), the middle button (or left on empty space when zoomed) pans, a double click on
// empty space resets the view. Without a photo the canvas is black at the pose's canvas size.
class PoseCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit PoseCanvas(PoseDocument* document, QWidget* parent = nullptr);

  void set_layers(PoseLayers layers);
  PoseLayers layers() const { return layers_; }
  void set_photo_opacity(double opacity);  // 0-1
  double photo_opacity() const { return opacity_; }
  void reset_view();
  double zoom() const { return zoom_; }

  std::optional<JointRef> selected() const { return selected_; }
  void select(std::optional<JointRef> joint);
  void delete_selected();

  // The current mapping of the canvas into this widget.
  PoseViewGeometry view_geometry() const;
  // Where a joint is drawn, in widget pixels (for tests and tools).
  QPointF joint_position(JointRef joint) const;
  // The context menu for a widget position, built but not shown (contextMenuEvent execs it).
  QMenu* make_context_menu(QPoint pos, QWidget* parent);

  QSize sizeHint() const override { return {360, 420}; }
  QSize minimumSizeHint() const override { return {160, 160}; }

 signals:
  void selection_changed();
  void problem(const QString& message);  // a tool could not be applied

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  std::optional<JointRef> joint_at(QPointF pos) const;
  void on_pose_changed();
  void add_keypoint_actions(QMenu* menu, std::size_t person, QPointF at);
  // The photo at the size it is drawn (cached), or the photo itself when drawn larger than it is.
  const QImage& photo_for(const QRectF& target);

  PoseDocument* document_;
  PoseLayers layers_ = PoseLayers::Both;
  double opacity_ = 1.0;
  double zoom_ = 1.0;
  QPointF pan_;
  std::optional<JointRef> selected_;
  std::optional<JointRef> hovered_;
  int drag_id_ = 0;             // non-zero while a joint is dragged
  bool moving_person_ = false;  // the drag moves the whole person (Shift)
  bool panning_ = false;
  QPointF last_mouse_;
  QImage scaled_photo_;
  qint64 scaled_photo_key_ = 0;
};

}  // namespace poseforge::ui
