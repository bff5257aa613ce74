// Vector skeleton drawing: limbs as round-capped strokes, joints as discs.
#include "ui/pose_editor/pose_painter.h"

#include <algorithm>

#include "core/pose/skeleton.h"

namespace poseforge::ui {
namespace {

constexpr double kStickHalfWidth = 4.0;  // controlnet_aux stickwidth (canvas pixels)
constexpr double kJointRadius = 4.0;     // controlnet_aux keypoint circle radius
constexpr int kLimbAlpha = 153;          // 0.6 * 255: the reference blends limbs at 60%

QColor openpose_color(int index, int alpha = 255) {
  const auto& c = pose::kColors[static_cast<std::size_t>(index)];
  return QColor(c[0], c[1], c[2], alpha);
}

}  // namespace

double joint_radius(double scale) {
  // Grows with the view like the control image, but stays small enough to place joints precisely
  // when zoomed in.
  return std::clamp(kJointRadius * scale, 3.5, 7.0);
}

void paint_skeleton(QPainter& painter, const pose::Pose& pose, const PoseViewGeometry& geometry,
                    const SkeletonHighlight& highlight) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  const double stick = std::max(3.0, 2.0 * kStickHalfWidth * geometry.scale());
  const double radius = joint_radius(geometry.scale());
  const auto& people = pose.people();
  for (std::size_t p = 0; p < people.size(); ++p) {
    const auto& body = people[p].body;
    for (int l = 0; l < pose::kDrawnLimbs; ++l) {
      const pose::Limb limb = pose::kLimbs[static_cast<std::size_t>(l)];
      if (!body[limb.a] || !body[limb.b]) continue;
      painter.setPen(QPen(openpose_color(l, kLimbAlpha), stick, Qt::SolidLine, Qt::RoundCap));
      painter.drawLine(geometry.to_widget(*body[limb.a]), geometry.to_widget(*body[limb.b]));
    }
    for (int k = 0; k < pose::kBodyKeypoints; ++k) {
      if (!body[k]) continue;
      const QPointF centre = geometry.to_widget(*body[k]);
      const JointRef ref{p, k};
      if (highlight.selected == ref || highlight.hovered == ref) {
        const bool selected = highlight.selected == ref;
        painter.setPen(QPen(QColor(255, 255, 255, selected ? 255 : 140), selected ? 2.5 : 1.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(centre, radius + 4, radius + 4);
      }
      painter.setPen(QPen(QColor(0, 0, 0, 160), 1.0));
      painter.setBrush(openpose_color(k));
      painter.drawEllipse(centre, radius, radius);
    }
  }
  painter.restore();
}

}  // namespace poseforge::ui
