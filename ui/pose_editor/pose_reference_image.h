// The pose reference as one picture (the photo, or black, with the skeleton drawn over it), for tools
// that work over it such as the image-prompt mask painter.
#pragma once

#include <QImage>

namespace poseforge::ui {

class PoseDocument;

// At the document's display size: the photo (black without one) with the current pose's skeleton
// (the OpenPose drawing the ControlNet sees) drawn over it where it has colour.
QImage pose_reference_image(const PoseDocument& document);

}  // namespace poseforge::ui
