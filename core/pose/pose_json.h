// OpenPose JSON for a Pose in every dialect users exchange; export in the CMU layout with the canvas size.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pose/pose.h"

namespace poseforge::pose {

// The CMU OpenPose layout ({"version": 1.3, "people": [{"person_id": [-1], "pose_keypoints_2d": [x, y, c,
// ...], "face_keypoints_2d", "hand_left_keypoints_2d", "hand_right_keypoints_2d", the *_3d keys empty}]})
// plus "canvas_width"/"canvas_height". Pixel coordinates, COCO-18 body; a missing keypoint is 0, 0, 0;
// hands (21) and face (70) when the person has them, else []. Every dialect below reads it back.
nlohmann::json pose_to_json(const Pose& pose);

struct PoseJsonOptions {
  int default_width = 0;  // canvas size when the file has none (OpenPose writes none); 0 = required
  int default_height = 0;
  int frame = 0;  // which frame of a ComfyUI POSE_KEYPOINT list (top-level array) to read
};

struct PoseJsonImport {
  Pose pose;
  std::string dialect;                // e.g. "OpenPose BODY_25, pixel coordinates"
  int frames = 1;                     // frames in the file (ComfyUI lists more than one)
  int frame = 0;                      // the frame read
  bool normalised = false;            // the file's coordinates were in [0, 1]
  std::vector<std::string> warnings;  // keypoints outside the canvas (kept), frames not read
};

// Reads any of: CMU OpenPose output (BODY_25: 25 body keypoints, turned into the 18 COCO ones; or COCO-18),
// sd-webui-openpose-editor / sd-webui-controlnet files (canvas size; pixel or normalised coordinates, the
// latter recognised by every coordinate lying within [0, 1] give or take a little on a canvas of at least
// 8 pixels), ComfyUI POSE_KEYPOINT (a top-level array of {people, canvas_width, canvas_height} frames).
// Keypoints flat or nested; absent parts as null, [] or missing keys; confidence <= 0 = absent. A
// keypoint up to half a canvas outside is kept (drawn clipped) with a warning. `source` names the input
// in errors, which name the frame, person, key and keypoint for wrong types, counts, NaN, far-off points.
PoseJsonImport import_pose_json(const nlohmann::json& json, const std::string& source,
                                const PoseJsonOptions& options = {});
PoseJsonImport import_pose_json_file(const std::filesystem::path& path, const PoseJsonOptions& options = {});

// The pose of import_pose_json; its warnings go to the log.
Pose pose_from_json(const nlohmann::json& json, const std::string& source, int default_width = 0,
                    int default_height = 0);

// File versions (the write is atomic). Malformed JSON is an Error naming the file and position.
void save_pose_json(const std::filesystem::path& path, const Pose& pose);
Pose load_pose_json(const std::filesystem::path& path, int default_width = 0, int default_height = 0);

}  // namespace poseforge::pose
