// Mapping between the pose overlay's widget pixels and normalised pose coordinates; joint hit-testing.
#pragma once

#include <cstddef>
#include <optional>

#include <QPointF>
#include <QRectF>
#include <QSize>

#include "core/pose/draw.h"
#include "core/pose/pose.h"

namespace poseforge::ui {

// One point of one person: a body keypoint, or a hand or face point.
struct JointRef {
  std::size_t person = 0;
  int keypoint = 0;  // index within the part
  pose::Part part = pose::Part::Body;
  bool operator==(const JointRef& o) const { return person == o.person && keypoint == o.keypoint && part == o.part; }
  bool operator!=(const JointRef& o) const { return !(*this == o); }
};

// The canvas (canvas_size pixels) fitted into the widget keeping its aspect, centred, then scaled
// by `zoom` about the widget centre and shifted by `pan` (widget pixels).
class PoseViewGeometry {
 public:
  PoseViewGeometry(QSizeF widget, QSize canvas, double zoom = 1.0, QPointF pan = {});

  QRectF target() const { return target_; }
  // Widget pixels per canvas pixel.
  double scale() const { return scale_; }
  QPointF to_widget(double x, double y) const;
  QPointF to_widget(const pose::Keypoint& k) const { return to_widget(k.x, k.y); }
  // Normalised coordinates of a widget point (not clamped: outside the canvas gives < 0 or > 1).
  QPointF to_normalised(QPointF widget) const;

 private:
  QRectF target_;
  double scale_ = 1.0;
};

// The point nearest to `pos` within `radius` widget pixels among the parts shown, if any (later
// people and parts win ties, as they are drawn on top).
std::optional<JointRef> hit_test(const pose::Pose& pose, const PoseViewGeometry& geometry, QPointF pos, double radius,
                                 const pose::DrawParts& shown = {});

// Whether `part` is among the parts shown.
bool part_shown(pose::Part part, const pose::DrawParts& shown);

}  // namespace poseforge::ui
