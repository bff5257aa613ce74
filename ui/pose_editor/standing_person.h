// The default person the pose editor adds: a front-facing standing skeleton.
#pragma once

#include "core/pose/pose.h"

namespace poseforge::ui {

// A standing person centred at `centre_x` (normalised), 80% of the canvas tall, with all 18 body
// keypoints (score 1); proportions kept on a canvas of canvas_width x canvas_height.
pose::Person standing_person(double centre_x, int canvas_width, int canvas_height);

// Where the next added person goes, given how many there are: the middle, then left and right of it.
double next_person_centre(std::size_t people);

}  // namespace poseforge::ui
