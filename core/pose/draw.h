// Drawing a Pose as ControlNet's OpenPose control image (controlnet_aux draw_poses: body, hands, face).
#pragma once

#include <array>

#include "core/io/image.h"
#include "core/pose/pose.h"

namespace poseforge::pose {

// Which parts go into the picture (controlnet_aux's draw_body / draw_hand / draw_face).
struct DrawParts {
  bool body = true;
  bool hands = true;
  bool face = true;
};

// Black RGB canvas of width x height with each person drawn in turn as controlnet_aux's draw_poses
// does (openpose_full): the body (17 limbs as filled ellipse polygons, stick width 4, in the OpenPose
// colours at 60%, then the keypoints as filled circles of radius 4), the left then the right hand (20
// bones as 2 px lines in HSV rainbow colours, hue = bone / 20, then blue (0, 0, 255) dots of radius 4),
// then the face (white dots of radius 3). As there, hand and face points whose pixel x or y is <= 0.01
// are not drawn; body points are drawn wherever they are (OpenCV clips).
io::Image draw_pose(const Pose& pose, int width, int height, const DrawParts& parts = {});

// The control image: drawn at the pose's canvas size (the detect resolution), then resized to
// out_width x out_height with INTER_LINEAR, as OpenposeDetector does for image_resolution.
io::Image render_control_image(const Pose& pose, int out_width, int out_height, const DrawParts& parts = {});

// The colour (R, G, B, each 0-255 before OpenCV rounds it) controlnet_aux gives hand bone `bone`
// (0-19): matplotlib's hsv_to_rgb(bone / 20, 1, 1) * 255.
std::array<double, 3> hand_bone_color(int bone);

}  // namespace poseforge::pose
