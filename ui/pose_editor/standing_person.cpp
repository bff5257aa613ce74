// A hand-made standing figure in OpenPose's COCO-18 order.
#include "ui/pose_editor/standing_person.h"

#include <algorithm>
#include <array>

namespace poseforge::ui {
namespace {

// Offsets in figure units: x from the body's centre line (negative = image left = the person's
// right, facing the viewer), y from the top of the head; the figure is kFigureHeight units tall.
constexpr double kFigureHeight = 230;
constexpr std::array<std::array<double, 2>, pose::kBodyKeypoints> kStanding = {{
    {0, 12},     // nose
    {0, 40},     // neck
    {-25, 42},   // right shoulder
    {-33, 80},   // right elbow
    {-38, 115},  // right wrist
    {25, 42},    // left shoulder
    {33, 80},    // left elbow
    {38, 115},   // left wrist
    {-15, 120},  // right hip
    {-17, 175},  // right knee
    {-18, 228},  // right ankle
    {15, 120},   // left hip
    {17, 175},   // left knee
    {18, 228},   // left ankle
    {-6, 6},     // right eye
    {6, 6},      // left eye
    {-13, 9},    // right ear
    {13, 9},     // left ear
}};

}  // namespace

pose::Person standing_person(double centre_x, int canvas_width, int canvas_height) {
  const double scale_y = 0.8 / kFigureHeight;  // 80% of the canvas height
  const double aspect = canvas_width > 0 && canvas_height > 0 ? static_cast<double>(canvas_height) / canvas_width : 1.0;
  pose::Person person;
  for (int k = 0; k < pose::kBodyKeypoints; ++k) {
    const double x = centre_x + kStanding[k][0] * scale_y * aspect;
    const double y = 0.1 + kStanding[k][1] * scale_y;
    person.body[k] = pose::Keypoint{std::clamp(x, 0.0, 1.0), std::clamp(y, 0.0, 1.0), 1.0};
  }
  return person;
}

double next_person_centre(std::size_t people) {
  constexpr std::array<double, 5> kCentres = {0.5, 0.25, 0.75, 0.375, 0.625};
  return kCentres[people % kCentres.size()];
}

}  // namespace poseforge::ui
