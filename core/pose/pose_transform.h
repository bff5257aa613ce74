// Pose tools of the openpose editors: flip horizontally, scale and move a person, fit to another size.
#pragma once

#include <cstddef>

#include "core/pose/pose.h"

namespace poseforge::pose {

// The pose mirrored left to right, as a detector would see the mirrored photo: x -> 1 - x, and the left
// and right body keypoints, hands and face landmarks (68-point contour, brows, eyes, nose, mouth, pupils)
// swap places.
Pose flip_horizontal(const Pose& pose);

// Person `person` scaled by `scale` about the centre of its points' bounding box, then moved by (dx, dy)
// (fractions of the canvas). Throws Error naming the person when a point would land more than
// kOutsideMargin outside the canvas, or when scale is not positive.
Pose transform_person(const Pose& pose, std::size_t person, double scale, double dx, double dy);

enum class FitMode {
  Crop,  // fill the new canvas (scale = the larger ratio); points cut off are dropped
  Pad,   // fit inside it (scale = the smaller ratio), bars left empty
};

struct FitResult {
  Pose pose;
  int dropped = 0;  // points outside the new canvas (Crop)
};

// The pose on a width x height canvas, scaled uniformly and centred (crop or pad), as one would resize the
// photo to the output size without stretching it.
FitResult fit_to_size(const Pose& pose, int width, int height, FitMode mode);

// Whether two sizes have the same aspect (within half a percent).
bool same_aspect(int w1, int h1, int w2, int h2);

}  // namespace poseforge::pose
