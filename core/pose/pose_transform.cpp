// Flip, scale/move a person, fit to a size: new Poses built point by point and validated.
#include "core/pose/pose_transform.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include "core/error.h"

namespace poseforge::pose {

namespace {

// COCO-18 mirror partner of each body keypoint.
constexpr std::array<int, kBodyKeypoints> kBodyMirror = {0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10, 15, 14, 17, 16};

// Mirror partner of each of the 70 face points (iBUG 68 landmarks + two pupils, OpenPose's face layout).
std::array<int, kFaceKeypoints> face_mirror() {
  std::array<int, kFaceKeypoints> m{};
  for (int i = 0; i < kFaceKeypoints; ++i) m[i] = i;
  auto swap = [&](int a, int b) { m[a] = b, m[b] = a; };
  for (int i = 0; i <= 7; ++i) swap(i, 16 - i);                                        // jaw line
  for (int i = 0; i <= 4; ++i) swap(17 + i, 26 - i);                                   // eyebrows
  swap(31, 35), swap(32, 34);                                                          // nostrils
  swap(36, 45), swap(37, 44), swap(38, 43), swap(39, 42), swap(40, 47), swap(41, 46);  // eyes
  swap(48, 54), swap(49, 53), swap(50, 52), swap(55, 59), swap(56, 58);                // outer lips
  swap(60, 64), swap(61, 63), swap(65, 67);                                            // inner lips
  swap(68, 69);                                                                        // pupils
  return m;
}

std::vector<KeypointSlot> map_points(const std::vector<KeypointSlot>& in,
                                     const std::function<KeypointSlot(const Keypoint&)>& f) {
  std::vector<KeypointSlot> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i]) out[i] = f(*in[i]);
  return out;
}

Person map_person(const Person& p, const std::function<KeypointSlot(const Keypoint&)>& f) {
  Person out;
  for (int i = 0; i < kBodyKeypoints; ++i)
    if (p.body[i]) out.body[i] = f(*p.body[i]);
  out.left_hand = map_points(p.left_hand, f);
  out.right_hand = map_points(p.right_hand, f);
  out.face = map_points(p.face, f);
  return out;
}

}  // namespace

Pose flip_horizontal(const Pose& pose) {
  static const std::array<int, kFaceKeypoints> face = face_mirror();
  Pose out(pose.canvas_width(), pose.canvas_height());
  for (const Person& p : pose.people()) {
    const Person m = map_person(p, [](const Keypoint& k) { return Keypoint{1.0 - k.x, k.y, k.score}; });
    Person flipped;
    for (int i = 0; i < kBodyKeypoints; ++i) flipped.body[kBodyMirror[i]] = m.body[i];
    flipped.left_hand = m.right_hand;
    flipped.right_hand = m.left_hand;
    flipped.face.resize(m.face.size());
    for (std::size_t i = 0; i < m.face.size(); ++i) flipped.face[face[i]] = m.face[i];
    out.add_person(flipped);
  }
  return out;
}

Pose transform_person(const Pose& pose, std::size_t person, double scale, double dx, double dy) {
  if (!(scale > 0) || !std::isfinite(scale) || !std::isfinite(dx) || !std::isfinite(dy))
    throw Error("pose: scale {} / move ({}, {}) of person {} must be finite and the scale positive", scale, dx, dy,
                person);
  const Person& p = pose.person(person);
  double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = -x0, y1 = -x0;
  map_person(p, [&](const Keypoint& k) {
    x0 = std::min(x0, k.x), x1 = std::max(x1, k.x), y0 = std::min(y0, k.y), y1 = std::max(y1, k.y);
    return k;
  });
  if (x0 > x1) throw Error("pose: person {} has no points to scale or move", person);
  const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const Person moved = map_person(p, [&](const Keypoint& k) {
    return Keypoint{cx + (k.x - cx) * scale + dx, cy + (k.y - cy) * scale + dy, k.score};
  });
  Pose out = pose;
  try {
    out.replace_person(person, moved);
  } catch (const Error& e) {
    throw Error("pose: person {} would leave the canvas: {}", person, e.what());
  }
  return out;
}

FitResult fit_to_size(const Pose& pose, int width, int height, FitMode mode) {
  if (width <= 0 || height <= 0) throw Error("pose: fit size {}x{} must be positive", width, height);
  const double cw = pose.canvas_width(), ch = pose.canvas_height();
  if (cw <= 0 || ch <= 0) throw Error("pose: the pose has no canvas size to fit from");
  const double s = mode == FitMode::Pad ? std::min(width / cw, height / ch) : std::max(width / cw, height / ch);
  const double ox = (width - cw * s) / 2, oy = (height - ch * s) / 2;
  FitResult out{Pose(width, height), 0};
  for (const Person& p : pose.people()) {
    out.pose.add_person(map_person(p, [&](const Keypoint& k) -> KeypointSlot {
      const Keypoint n{(k.x * cw * s + ox) / width, (k.y * ch * s + oy) / height, k.score};
      if (mode == FitMode::Crop && !inside_canvas(n)) {
        ++out.dropped;
        return std::nullopt;
      }
      return n;
    }));
  }
  return out;
}

bool same_aspect(int w1, int h1, int w2, int h2) {
  if (w1 <= 0 || h1 <= 0 || w2 <= 0 || h2 <= 0) return true;
  const double a = static_cast<double>(w1) / h1, b = static_cast<double>(w2) / h2;
  return std::abs(a / b - 1.0) < 0.005;
}

}  // namespace poseforge::pose
