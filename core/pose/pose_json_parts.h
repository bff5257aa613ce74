// One part of an OpenPose JSON person (body, hands, face) read from any dialect's shape of numbers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace poseforge::pose {

// A keypoint as the file has it: coordinates (pixels or normalised: the caller decides) and confidence.
struct RawKeypoint {
  double x = 0;
  double y = 0;
  double confidence = 0;
};

// The JSON keys and sizes of a person's parts.
struct PartSpec {
  const char* key;   // "pose_keypoints_2d", ...
  const char* what;  // "body", "left hand", ...
  int count;         // keypoints kept in our model
};

// The part's keypoints: flat [x, y, c, ...] or nested [[x, y, c], ...] ([x, y] counts as confidence 1).
// nullopt when the part is absent (missing key, null or []). The body may have 18 (COCO-18) or 25
// (BODY_25) keypoints; a BODY_25 body comes back as COCO-18 (MidHip and the feet dropped) and sets
// *body_25. Throws Error naming `where`, the key and the keypoint for values that are not numbers,
// not finite, or counts that fit no layout.
std::optional<std::vector<RawKeypoint>> read_part(const nlohmann::json& person, const PartSpec& spec,
                                                  const std::string& where, bool* body_25 = nullptr);

// "keypoint 3 (right_elbow)" for the body, "left hand keypoint 3" for the others.
std::string keypoint_name(const PartSpec& spec, int index);

}  // namespace poseforge::pose
