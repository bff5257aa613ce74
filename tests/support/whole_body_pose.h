// A test pose with everything: two people with COCO-18 bodies (some joints absent), both hands and a face,
// as pixel coordinates on a canvas, plus the Pose they make.
#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "core/pose/pose.h"

namespace poseforge::test {

struct PixelPoint {
  double x = 0, y = 0, c = 0;  // c = 0: absent
};

struct PixelPerson {
  std::vector<PixelPoint> body;                         // 18 (COCO order)
  std::vector<PixelPoint> left_hand, right_hand, face;  // 21 / 21 / 70, or empty = absent
};

struct PixelPose {
  int width = 0, height = 0;
  std::vector<PixelPerson> people;
};

// Coordinates sit at fractional pixels (never on a pixel edge) so that truncation to pixels is the
// same after any round trip through pixel and normalised coordinates.
inline PixelPose whole_body_pixels(int width = 320, int height = 256) {
  PixelPose pose{width, height, {}};
  // Standing person, fractions of the canvas.
  const std::array<std::array<double, 2>, 18> body = {{{.30, .15},
                                                       {.30, .28},
                                                       {.22, .28},
                                                       {.17, .42},
                                                       {.14, .55},
                                                       {.38, .28},
                                                       {.43, .42},
                                                       {.46, .55},
                                                       {.25, .60},
                                                       {.25, .78},
                                                       {.25, .93},
                                                       {.35, .60},
                                                       {.35, .78},
                                                       {.35, .93},
                                                       {.28, .13},
                                                       {.32, .13},
                                                       {.26, .14},
                                                       {.34, .14}}};
  for (int p = 0; p < 2; ++p) {
    const double dx = p * 0.45 * width;
    PixelPerson person;
    for (int k = 0; k < 18; ++k)
      person.body.push_back({body[k][0] * width + dx + 0.37, body[k][1] * height + 0.41, 0.5 + 0.025 * k});
    if (p == 1) person.body[16].c = 0;  // an ear not found
    // Hands: a fan of five fingers of four joints from the wrist.
    for (int side = 0; side < 2; ++side) {
      if (p == 1 && side == 1) break;  // the second person has no right hand
      const PixelPoint wrist = person.body[side == 0 ? 7 : 4];
      std::vector<PixelPoint> hand{{wrist.x, wrist.y + 3.1, 0.9}};
      for (int f = 0; f < 5; ++f)
        for (int j = 1; j <= 4; ++j) {
          const double angle = (-0.9 + 0.45 * f) + (side ? 3.14159 : 0);
          hand.push_back({hand[0].x + std::sin(angle) * 4.2 * j, hand[0].y + std::cos(angle) * 4.2 * j, 0.8});
        }
      (side == 0 ? person.left_hand : person.right_hand) = hand;
    }
    // Face: 68 points on an ellipse around the nose, then the two pupils.
    const PixelPoint nose = person.body[0];
    for (int i = 0; i < 68; ++i)
      person.face.push_back({nose.x + 9.3 * std::cos(i * 0.0924), nose.y + 11.2 * std::sin(i * 0.0924), 0.7});
    person.face.push_back({nose.x - 3.3, nose.y - 2.2, 0.7});
    person.face.push_back({nose.x + 3.3, nose.y - 2.2, 0.7});
    person.face[5].c = 0;  // a point the detector missed
    pose.people.push_back(person);
  }
  return pose;
}

inline std::vector<pose::KeypointSlot> to_slots(const std::vector<PixelPoint>& points, int width, int height) {
  std::vector<pose::KeypointSlot> out(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    if (points[i].c > 0) out[i] = pose::Keypoint{points[i].x / width, points[i].y / height, points[i].c};
  return out;
}

inline pose::Pose to_pose(const PixelPose& pixels) {
  pose::Pose out(pixels.width, pixels.height);
  for (const PixelPerson& p : pixels.people) {
    pose::Person person;
    const auto body = to_slots(p.body, pixels.width, pixels.height);
    std::copy(body.begin(), body.end(), person.body.begin());
    person.left_hand = to_slots(p.left_hand, pixels.width, pixels.height);
    person.right_hand = to_slots(p.right_hand, pixels.width, pixels.height);
    person.face = to_slots(p.face, pixels.width, pixels.height);
    out.add_person(person);
  }
  return out;
}

}  // namespace poseforge::test
