// Fuzz harness: a pose JSON file in any dialect import_pose_json_file reads (CMU OpenPose BODY_25/COCO-18,
// sd-webui-openpose-editor, ComfyUI POSE_KEYPOINT frames), with and without a default canvas size and for a
// later frame, then its write/read round trip.
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/pose/pose_json.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;

bool close(const pose::KeypointSlot& a, const pose::KeypointSlot& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return std::abs(a->x - b->x) <= 1e-9 && std::abs(a->y - b->y) <= 1e-9 && a->score == b->score;
}

bool close(const std::vector<pose::KeypointSlot>& a, const std::vector<pose::KeypointSlot>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!close(a[i], b[i])) return false;
  }
  return true;
}

void round_trip(const pose::Pose& pose) {
  const auto again = pose::pose_from_json(pose::pose_to_json(pose), "fuzz pose (round trip)");
  fuzz::check(again.canvas_width() == pose.canvas_width() && again.canvas_height() == pose.canvas_height(),
              "canvas size changed in the round trip");
  fuzz::check(again.people().size() == pose.people().size(), "people count changed in the round trip");
  for (std::size_t p = 0; p < pose.people().size(); ++p) {
    const auto& a = pose.people()[p];
    const auto& b = again.people()[p];
    for (std::size_t k = 0; k < a.body.size(); ++k) fuzz::check(close(a.body[k], b.body[k]), "body keypoint changed");
    fuzz::check(close(a.left_hand, b.left_hand) && close(a.right_hand, b.right_hand) && close(a.face, b.face),
                "hand or face keypoints changed in the round trip");
  }
}

}  // namespace

int fuzz_pose_json(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_scratch("pose.json", data, size);
  for (const auto& [w, h] : {std::pair{0, 0}, std::pair{512, 768}}) {
    try {
      const auto pose = pose::load_pose_json(path, w, h);
      fuzz::note("pose: " + std::to_string(pose.people().size()) + " people");
      round_trip(pose);
    } catch (const Error& e) {
      fuzz::note(e.what());
    }
  }
  try {
    pose::PoseJsonOptions options;
    options.default_width = 640;
    options.default_height = 480;
    options.frame = 1;
    const auto imported = pose::import_pose_json_file(path, options);
    fuzz::check(imported.frame >= 0 && imported.frame < imported.frames, "the frame read is not in the file");
    round_trip(imported.pose);
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
