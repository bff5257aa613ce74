// Fitting the canvas into the widget; widget <-> normalised mapping; nearest-joint search.
#include "ui/pose_editor/pose_geometry.h"

#include <algorithm>
#include <cmath>

namespace poseforge::ui {

PoseViewGeometry::PoseViewGeometry(QSizeF widget, QSize canvas, double zoom, QPointF pan) {
  const double cw = std::max(1, canvas.width());
  const double ch = std::max(1, canvas.height());
  scale_ = std::min(widget.width() / cw, widget.height() / ch) * zoom;
  const QSizeF size(cw * scale_, ch * scale_);
  const QPointF centre(widget.width() / 2.0 + pan.x(), widget.height() / 2.0 + pan.y());
  target_ = QRectF(centre - QPointF(size.width() / 2.0, size.height() / 2.0), size);
}

QPointF PoseViewGeometry::to_widget(double x, double y) const {
  return {target_.left() + x * target_.width(), target_.top() + y * target_.height()};
}

QPointF PoseViewGeometry::to_normalised(QPointF widget) const {
  if (target_.width() <= 0 || target_.height() <= 0) return {};
  return {(widget.x() - target_.left()) / target_.width(), (widget.y() - target_.top()) / target_.height()};
}

bool part_shown(pose::Part part, const pose::DrawParts& shown) {
  switch (part) {
    case pose::Part::Body: return shown.body;
    case pose::Part::LeftHand:
    case pose::Part::RightHand: return shown.hands;
    case pose::Part::Face: return shown.face;
  }
  return false;
}

std::optional<JointRef> hit_test(const pose::Pose& pose, const PoseViewGeometry& geometry, QPointF pos, double radius,
                                 const pose::DrawParts& shown) {
  std::optional<JointRef> best;
  double best_distance = radius;
  const auto& people = pose.people();
  for (std::size_t p = 0; p < people.size(); ++p) {
    for (const pose::Part part : pose::kParts) {
      if (!part_shown(part, shown)) continue;
      const std::vector<pose::KeypointSlot> points = people[p].points(part);
      for (std::size_t k = 0; k < points.size(); ++k) {
        if (!points[k]) continue;
        const QPointF d = geometry.to_widget(*points[k]) - pos;
        const double distance = std::hypot(d.x(), d.y());
        if (distance <= best_distance) {
          best_distance = distance;
          best = JointRef{p, static_cast<int>(k), part};
        }
      }
    }
  }
  return best;
}

}  // namespace poseforge::ui
