// Vector skeleton drawing: limbs as round-capped strokes, joints as discs; hand bones and face dots.
#include "ui/pose_editor/pose_painter.h"

#include <algorithm>

#include "core/pose/skeleton.h"

namespace poseforge::ui {
namespace {

constexpr double kStickHalfWidth = 4.0;  // controlnet_aux stickwidth (canvas pixels)
constexpr double kJointRadius = 4.0;     // controlnet_aux keypoint circle radius
constexpr int kLimbAlpha = 153;          // 0.6 * 255: the reference blends limbs at 60%
constexpr double kHandLine = 2.0;        // controlnet_aux hand bone thickness, dot radius, face dot radius
constexpr double kHandDot = 4.0;
constexpr double kFaceDot = 3.0;

QColor openpose_color(int index, int alpha = 255) {
  const auto& c = pose::kColors[static_cast<std::size_t>(index)];
  return QColor(c[0], c[1], c[2], alpha);
}

void paint_ring(QPainter& painter, QPointF centre, double radius, const JointRef& ref, const SkeletonHighlight& h) {
  if (h.selected != ref && h.hovered != ref) return;
  const bool selected = h.selected == ref;
  painter.setPen(QPen(QColor(255, 255, 255, selected ? 255 : 140), selected ? 2.5 : 1.5));
  painter.setBrush(Qt::NoBrush);
  painter.drawEllipse(centre, radius + 4, radius + 4);
}

void paint_body(QPainter& painter, const pose::Person& person, std::size_t p, const PoseViewGeometry& geometry,
                const SkeletonHighlight& highlight) {
  const double stick = std::max(3.0, 2.0 * kStickHalfWidth * geometry.scale());
  const double radius = joint_radius(geometry.scale());
  const auto& body = person.body;
  for (int l = 0; l < pose::kDrawnLimbs; ++l) {
    const pose::Limb limb = pose::kLimbs[static_cast<std::size_t>(l)];
    if (!body[limb.a] || !body[limb.b]) continue;
    painter.setPen(QPen(openpose_color(l, kLimbAlpha), stick, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(geometry.to_widget(*body[limb.a]), geometry.to_widget(*body[limb.b]));
  }
  for (int k = 0; k < pose::kBodyKeypoints; ++k) {
    if (!body[k]) continue;
    const QPointF centre = geometry.to_widget(*body[k]);
    paint_ring(painter, centre, radius, JointRef{p, k}, highlight);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 1.0));
    painter.setBrush(openpose_color(k));
    painter.drawEllipse(centre, radius, radius);
  }
}

void paint_hand(QPainter& painter, const std::vector<pose::KeypointSlot>& hand, const JointRef& part,
                const PoseViewGeometry& geometry, const SkeletonHighlight& highlight) {
  if (hand.empty()) return;
  const double line = std::clamp(kHandLine * geometry.scale(), 1.5, 4.0);
  const double dot = std::clamp(kHandDot * geometry.scale(), 2.5, 6.0);
  for (int e = 0; e < pose::kHandBones; ++e) {
    const auto& a = hand[static_cast<std::size_t>(pose::kHandEdges[e].a)];
    const auto& b = hand[static_cast<std::size_t>(pose::kHandEdges[e].b)];
    if (!a || !b) continue;
    const auto c = pose::hand_bone_color(e);
    painter.setPen(QPen(QColor(qRound(c[0]), qRound(c[1]), qRound(c[2])), line, Qt::SolidLine, Qt::RoundCap));
    painter.drawLine(geometry.to_widget(*a), geometry.to_widget(*b));
  }
  for (std::size_t k = 0; k < hand.size(); ++k) {
    if (!hand[k]) continue;
    const QPointF centre = geometry.to_widget(*hand[k]);
    paint_ring(painter, centre, dot, JointRef{part.person, static_cast<int>(k), part.part}, highlight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 255));
    painter.drawEllipse(centre, dot, dot);
  }
}

void paint_face(QPainter& painter, const std::vector<pose::KeypointSlot>& face, std::size_t p,
                const PoseViewGeometry& geometry, const SkeletonHighlight& highlight) {
  const double dot = std::clamp(kFaceDot * geometry.scale(), 1.5, 4.5);
  for (std::size_t k = 0; k < face.size(); ++k) {
    if (!face[k]) continue;
    const QPointF centre = geometry.to_widget(*face[k]);
    paint_ring(painter, centre, dot, JointRef{p, static_cast<int>(k), pose::Part::Face}, highlight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::white);
    painter.drawEllipse(centre, dot, dot);
  }
}

}  // namespace

double joint_radius(double scale) {
  // Grows with the view like the control image, but stays small enough to place joints precisely
  // when zoomed in.
  return std::clamp(kJointRadius * scale, 3.5, 7.0);
}

void paint_skeleton(QPainter& painter, const pose::Pose& pose, const PoseViewGeometry& geometry,
                    const SkeletonHighlight& highlight, const pose::DrawParts& shown) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setClipRect(geometry.target(), Qt::IntersectClip);  // points off the edge are drawn clipped
  const auto& people = pose.people();
  for (std::size_t p = 0; p < people.size(); ++p) {
    if (shown.body) paint_body(painter, people[p], p, geometry, highlight);
    if (shown.hands) {
      paint_hand(painter, people[p].left_hand, JointRef{p, 0, pose::Part::LeftHand}, geometry, highlight);
      paint_hand(painter, people[p].right_hand, JointRef{p, 0, pose::Part::RightHand}, geometry, highlight);
    }
    if (shown.face) paint_face(painter, people[p].face, p, geometry, highlight);
  }
  painter.restore();
}

}  // namespace poseforge::ui
