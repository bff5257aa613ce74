// OpenPose skeleton drawing with OpenCV, following controlnet_aux draw_bodypose/handpose/facepose's arithmetic.
#include "core/pose/draw.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace poseforge::pose {

namespace {

constexpr int kStickWidth = 4;
constexpr int kJointRadius = 4;
constexpr int kHandLineWidth = 2;
constexpr int kHandDotRadius = 4;
constexpr int kFaceDotRadius = 3;
constexpr double kEps = 0.01;  // controlnet_aux's eps: hand/face points at pixel <= 0.01 are "absent"

void draw_body(cv::Mat& canvas, const Person& person) {
  const double W = canvas.cols, H = canvas.rows;
  for (int l = 0; l < kDrawnLimbs; ++l) {
    const KeypointSlot& k1 = person.body[kLimbs[l].a];
    const KeypointSlot& k2 = person.body[kLimbs[l].b];
    if (!k1 || !k2) continue;
    const double Y0 = k1->x * W, Y1 = k2->x * W;
    const double X0 = k1->y * H, X1 = k2->y * H;
    const double mX = (X0 + X1) / 2;
    const double mY = (Y0 + Y1) / 2;
    const double length = std::pow((X0 - X1) * (X0 - X1) + (Y0 - Y1) * (Y0 - Y1), 0.5);
    const double angle = std::atan2(X0 - X1, Y0 - Y1) * (180.0 / M_PI);
    std::vector<cv::Point> polygon;
    cv::ellipse2Poly(cv::Point(static_cast<int>(mY), static_cast<int>(mX)),
                     cv::Size(static_cast<int>(length / 2), kStickWidth), static_cast<int>(angle), 0, 360, 1, polygon);
    const auto& c = kColors[l];
    cv::fillConvexPoly(
        canvas, polygon,
        cv::Scalar(static_cast<int>(c[0] * 0.6), static_cast<int>(c[1] * 0.6), static_cast<int>(c[2] * 0.6)));
  }
  for (int i = 0; i < kBodyKeypoints; ++i) {
    const KeypointSlot& k = person.body[i];
    if (!k) continue;
    const auto& c = kColors[i];
    cv::circle(canvas, cv::Point(static_cast<int>(k->x * W), static_cast<int>(k->y * H)), kJointRadius,
               cv::Scalar(c[0], c[1], c[2]), cv::FILLED);
  }
}

// controlnet_aux: x = int(k.x * W), y = int(k.y * H) (truncated toward zero as Python's int()).
cv::Point pixel(const Keypoint& k, double W, double H) {
  return {static_cast<int>(k.x * W), static_cast<int>(k.y * H)};
}

bool drawn(const cv::Point& p) {
  return p.x > kEps && p.y > kEps;
}

void draw_hand(cv::Mat& canvas, const std::vector<KeypointSlot>& hand) {
  if (hand.empty()) return;
  const double W = canvas.cols, H = canvas.rows;
  for (int e = 0; e < kHandBones; ++e) {
    const KeypointSlot& k1 = hand[kHandEdges[e].a];
    const KeypointSlot& k2 = hand[kHandEdges[e].b];
    if (!k1 || !k2) continue;
    const cv::Point p1 = pixel(*k1, W, H), p2 = pixel(*k2, W, H);
    if (!drawn(p1) || !drawn(p2)) continue;
    const auto c = hand_bone_color(e);
    cv::line(canvas, p1, p2, cv::Scalar(c[0], c[1], c[2]), kHandLineWidth);
  }
  for (const KeypointSlot& k : hand) {
    if (!k) continue;
    const cv::Point p = pixel(*k, W, H);
    if (drawn(p)) cv::circle(canvas, p, kHandDotRadius, cv::Scalar(0, 0, 255), cv::FILLED);
  }
}

void draw_face(cv::Mat& canvas, const std::vector<KeypointSlot>& face) {
  const double W = canvas.cols, H = canvas.rows;
  for (const KeypointSlot& k : face) {
    if (!k) continue;
    const cv::Point p = pixel(*k, W, H);
    if (drawn(p)) cv::circle(canvas, p, kFaceDotRadius, cv::Scalar(255, 255, 255), cv::FILLED);
  }
}

io::Image to_image(const cv::Mat& rgb) {
  io::Image image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.channels = 3;
  image.pixels.assign(rgb.data, rgb.data + rgb.total() * 3);
  return image;
}

}  // namespace

std::array<double, 3> hand_bone_color(int bone) {
  // matplotlib.colors.hsv_to_rgb with s = v = 1 (p = 0), in float64 as numpy computes it.
  const double h = bone / static_cast<double>(kHandBones);
  const int i = static_cast<int>(h * 6.0);
  const double f = h * 6.0 - i;
  const double v = 1.0, s = 1.0;
  const double p = v * (1.0 - s), q = v * (1.0 - s * f), t = v * (1.0 - s * (1.0 - f));
  std::array<double, 3> rgb;
  switch (i % 6) {
    case 0: rgb = {v, t, p}; break;
    case 1: rgb = {q, v, p}; break;
    case 2: rgb = {p, v, t}; break;
    case 3: rgb = {p, q, v}; break;
    case 4: rgb = {t, p, v}; break;
    default: rgb = {v, p, q}; break;
  }
  for (double& c : rgb) c *= 255;
  return rgb;
}

io::Image draw_pose(const Pose& pose, int width, int height, const DrawParts& parts) {
  if (width <= 0 || height <= 0) throw Error("draw pose: canvas size {}x{} must be positive", width, height);
  cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(0, 0, 0));  // channels are R, G, B
  for (const Person& person : pose.people()) {
    if (parts.body) draw_body(canvas, person);
    if (parts.hands) {
      draw_hand(canvas, person.left_hand);
      draw_hand(canvas, person.right_hand);
    }
    if (parts.face) draw_face(canvas, person.face);
  }
  return to_image(canvas);
}

io::Image render_control_image(const Pose& pose, int out_width, int out_height, const DrawParts& parts) {
  if (out_width <= 0 || out_height <= 0)
    throw Error("control image: size {}x{} must be positive", out_width, out_height);
  io::Image drawn = draw_pose(pose, pose.canvas_width(), pose.canvas_height(), parts);
  if (drawn.width == out_width && drawn.height == out_height) return drawn;
  cv::Mat src(drawn.height, drawn.width, CV_8UC3, drawn.pixels.data());
  cv::Mat resized;
  cv::resize(src, resized, cv::Size(out_width, out_height), 0, 0, cv::INTER_LINEAR);
  return to_image(resized);
}

}  // namespace poseforge::pose
