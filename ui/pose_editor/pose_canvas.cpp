// The pose overlay: painting, mouse editing, zoom/pan, context menu.
#include "ui/pose_editor/pose_canvas.h"

#include <algorithm>
#include <cmath>

#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include "core/error.h"
#include "core/pose/skeleton.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_painter.h"

namespace poseforge::ui {
namespace {

constexpr double kMaxZoom = 8.0;
constexpr double kHitSlack = 5.0;  // pixels around a joint's disc that still grab it

QString pretty_name(int keypoint) {
  return QString(pose::kBodyKeypointNames[static_cast<std::size_t>(keypoint)]).replace('_', ' ');
}

QString point_name(const JointRef& j) {
  if (j.part == pose::Part::Body) return pretty_name(j.keypoint);
  return QString("%1 point %2").arg(pose::part_name(j.part)).arg(j.keypoint);
}

// Scale steps offered for a whole person.
constexpr double kPersonScales[] = {0.75, 0.9, 1.1, 1.25};

}  // namespace

PoseCanvas::PoseCanvas(PoseDocument* document, QWidget* parent) : QWidget(parent), document_(document) {
  setObjectName("PoseCanvas");
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  connect(document_, &PoseDocument::pose_changed, this, &PoseCanvas::on_pose_changed);
  connect(document_, &PoseDocument::photo_changed, this, [this] { reset_view(); });
  connect(document_, &PoseDocument::parts_changed, this, &PoseCanvas::on_pose_changed);
}

void PoseCanvas::set_layers(PoseLayers layers) {
  layers_ = layers;
  if (layers_ == PoseLayers::Photo) select(std::nullopt);  // no editing what cannot be seen
  update();
}

void PoseCanvas::set_photo_opacity(double opacity) {
  opacity_ = std::clamp(opacity, 0.0, 1.0);
  update();
}

void PoseCanvas::reset_view() {
  zoom_ = 1.0;
  pan_ = {};
  update();
}

void PoseCanvas::select(std::optional<JointRef> joint) {
  if (selected_ == joint) return;
  selected_ = joint;
  emit selection_changed();
  update();
}

void PoseCanvas::delete_selected() {
  if (!selected_) return;
  const JointRef joint = *selected_;
  select(std::nullopt);
  document_->remove_point(joint);
}

PoseViewGeometry PoseCanvas::view_geometry() const {
  return PoseViewGeometry(size(), document_->display_size(), zoom_, pan_);
}

QPointF PoseCanvas::joint_position(JointRef joint) const {
  const pose::KeypointSlot* slot = document_->pose().person(joint.person).slot(joint.part, joint.keypoint);
  return slot && *slot ? view_geometry().to_widget(**slot) : QPointF(-1, -1);
}

std::optional<JointRef> PoseCanvas::joint_at(QPointF pos) const {
  if (layers_ == PoseLayers::Photo) return std::nullopt;  // the skeleton is hidden: nothing to grab
  const PoseViewGeometry geometry = view_geometry();
  return hit_test(document_->pose(), geometry, pos, joint_radius(geometry.scale()) + kHitSlack,
                  document_->shown_parts());
}

void PoseCanvas::on_pose_changed() {
  // Drop references to joints that no longer exist (deleted, undone, a new pose).
  auto exists = [this](const std::optional<JointRef>& j) {
    const auto& people = document_->pose().people();
    if (!j || j->person >= people.size() || !part_shown(j->part, document_->shown_parts())) return false;
    const pose::KeypointSlot* slot = people[j->person].slot(j->part, j->keypoint);
    return slot && slot->has_value();
  };
  if (selected_ && !exists(selected_)) select(std::nullopt);
  if (hovered_ && !exists(hovered_)) hovered_.reset();
  update();
}

void PoseCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Window).darker(160));
  const PoseViewGeometry geometry = view_geometry();
  painter.fillRect(geometry.target(), Qt::black);
  if (layers_ != PoseLayers::Skeleton && document_->has_photo()) {
    painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom_ < 2.0);
    painter.setOpacity(opacity_);
    const QRectF r = document_->photo_rect();  // the whole canvas, unless fitted to another shape
    const QRectF target(geometry.to_widget(r.left(), r.top()), geometry.to_widget(r.right(), r.bottom()));
    painter.save();
    painter.setClipRect(geometry.target(), Qt::IntersectClip);
    painter.drawImage(target, photo_for(target));
    painter.restore();
    painter.setOpacity(1.0);
  }
  if (layers_ != PoseLayers::Photo)
    paint_skeleton(painter, document_->pose(), geometry, {selected_, hovered_}, document_->shown_parts());
  if (!document_->has_photo() && document_->pose().empty()) {
    painter.setPen(QColor(220, 220, 220));
    painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                     "Drop a pose reference photo or a pose JSON here,\npaste one (Ctrl+V) or use Open.\n"
                     "Right-click to add a person by hand.");
  }
}

const QImage& PoseCanvas::photo_for(const QRectF& target) {
  // Large photos are scaled once per view size, not on every repaint of a drag.
  const QImage& photo = document_->photo();
  const QSize size = (target.size() * devicePixelRatioF()).toSize();
  if (size.width() >= photo.width() || size.height() >= photo.height()) return photo;
  if (scaled_photo_.size() != size || scaled_photo_key_ != photo.cacheKey()) {
    scaled_photo_ = photo.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    scaled_photo_key_ = photo.cacheKey();
  }
  return scaled_photo_;
}

void PoseCanvas::mousePressEvent(QMouseEvent* event) {
  setFocus(Qt::MouseFocusReason);
  last_mouse_ = event->position();
  if (event->button() == Qt::LeftButton) {
    const auto joint = joint_at(event->position());
    select(joint);
    if (joint) {
      drag_id_ = document_->new_drag_id();
      moving_person_ = event->modifiers().testFlag(Qt::ShiftModifier);  // Shift+drag moves the whole person
      return;
    }
  }
  panning_ = event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && zoom_ > 1.0);
  if (panning_) setCursor(Qt::ClosedHandCursor);
}

void PoseCanvas::mouseMoveEvent(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (drag_id_ != 0 && selected_ && moving_person_) {
    const QPointF d = view_geometry().to_normalised(pos) - view_geometry().to_normalised(last_mouse_);
    try {
      document_->transform_person(selected_->person, 1.0, d.x(), d.y(), drag_id_);
    } catch (const Error&) {
      // the person would leave the canvas: it stays where it is
    }
  } else if (drag_id_ != 0 && selected_) {
    const QPointF n = view_geometry().to_normalised(pos);
    document_->move_point(*selected_, n.x(), n.y(), drag_id_);
  } else if (panning_) {
    pan_ += pos - last_mouse_;
    update();
  } else {
    const auto joint = joint_at(pos);
    if (joint != hovered_) {
      hovered_ = joint;
      setCursor(joint ? Qt::OpenHandCursor : Qt::ArrowCursor);
      update();
    }
  }
  last_mouse_ = pos;
}

void PoseCanvas::mouseReleaseEvent(QMouseEvent*) {
  drag_id_ = 0;
  moving_person_ = false;
  if (panning_) unsetCursor();
  panning_ = false;
}

void PoseCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
  if (!joint_at(event->position())) reset_view();
}

void PoseCanvas::wheelEvent(QWheelEvent* event) {
  const QPointF pos = event->position();
  const QPointF anchor = view_geometry().to_normalised(pos);
  zoom_ = std::clamp(zoom_ * std::pow(1.15, event->angleDelta().y() / 120.0), 1.0, kMaxZoom);
  if (zoom_ == 1.0) {
    pan_ = {};
  } else {  // keep the point under the cursor where it is
    pan_ += pos - view_geometry().to_widget(anchor.x(), anchor.y());
  }
  update();
  event->accept();
}

void PoseCanvas::keyPressEvent(QKeyEvent* event) {
  if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && selected_) {
    delete_selected();
  } else if (event->key() == Qt::Key_Escape && selected_) {
    select(std::nullopt);
  } else {
    QWidget::keyPressEvent(event);
  }
}

void PoseCanvas::contextMenuEvent(QContextMenuEvent* event) {
  QMenu* menu = make_context_menu(event->pos(), this);
  menu->exec(event->globalPos());
  delete menu;
}

void PoseCanvas::leaveEvent(QEvent*) {
  hovered_.reset();
  update();
}

void PoseCanvas::add_keypoint_actions(QMenu* menu, std::size_t person, QPointF at) {
  const auto& body = document_->pose().person(person).body;
  for (int k = 0; k < pose::kBodyKeypoints; ++k) {
    if (body[static_cast<std::size_t>(k)]) continue;
    menu->addAction(QString("Add %1").arg(pretty_name(k)), this,
                    [this, person, k, at] { document_->add_keypoint(person, k, at.x(), at.y()); });
  }
  if (menu->isEmpty()) menu->addAction("All keypoints are present")->setEnabled(false);
}

QMenu* PoseCanvas::make_context_menu(QPoint pos, QWidget* parent) {
  auto* menu = new QMenu(parent);
  const auto joint = joint_at(pos);
  if (joint) {
    select(joint);
    const JointRef j = *joint;
    menu->addAction(QString("Delete %1").arg(point_name(j)), this, [this] { delete_selected(); });
    menu->addAction(QString("Remove person %1").arg(j.person + 1), this,
                    [this, j] { document_->remove_person(j.person); });
    QMenu* scale = menu->addMenu(QString("Scale person %1").arg(j.person + 1));
    for (const double s : kPersonScales)
      scale->addAction(QString("%1%").arg(qRound(s * 100)), this, [this, j, s] {
        try {
          document_->transform_person(j.person, s, 0, 0);
        } catch (const Error& e) {
          emit problem(e.what());
        }
      });
    menu->addAction("Move person: Shift+drag a joint")->setEnabled(false);
  } else {
    const QPointF at = view_geometry().to_normalised(pos);
    const std::size_t people = document_->pose().people().size();
    for (std::size_t p = 0; p < people; ++p) {
      QMenu* target = menu;
      if (people > 1) target = menu->addMenu(QString("Person %1").arg(p + 1));
      add_keypoint_actions(target, p, at);
      if (people > 1)
        target->addAction(QString("Remove person %1").arg(p + 1), this, [this, p] { document_->remove_person(p); });
    }
    if (people > 0) menu->addSeparator();
    menu->addAction("Add person", this, [this] { document_->add_person(); });
  }
  menu->addSeparator();
  menu->addAction("Reset view", this, [this] { reset_view(); })->setEnabled(zoom_ != 1.0);
  return menu;
}

}  // namespace poseforge::ui
