// Painting a Pose as vectors with QPainter in the OpenPose colours (sharp at any zoom): body, hands, face.
#pragma once

#include <optional>

#include <QPainter>

#include "core/pose/draw.h"
#include "core/pose/pose.h"
#include "ui/pose_editor/pose_geometry.h"

namespace poseforge::ui {

struct SkeletonHighlight {
  std::optional<JointRef> selected;  // drawn with a white ring
  std::optional<JointRef> hovered;   // drawn with a faint ring
};

// Each person in turn, as the control image draws them (core/pose/draw.h): the 17 limbs (60% opaque,
// the control image's stick width scaled to the view, never thinner than 3 px) and the keypoints (opaque
// discs with a dark rim so they read on photos); the hands' 20 bones in their rainbow colours with blue
// dots; the face's white dots. Only the parts in `shown`; clipped to the canvas.
void paint_skeleton(QPainter& painter, const pose::Pose& pose, const PoseViewGeometry& geometry,
                    const SkeletonHighlight& highlight = {}, const pose::DrawParts& shown = {});

// Joint radius in widget pixels for a view scale, 3.5-7 px (also the hit-test radius's base).
double joint_radius(double scale);

}  // namespace poseforge::ui
