// OpenPose JSON import/export with errors that name the file, person and keypoint.
#include "core/pose/pose_json.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/json_number.h"
#include "core/io/input_file.h"

namespace poseforge::pose {

namespace {

using nlohmann::json;

struct PartSpec {
  const char* key;
  const char* what;
  int count;
};

constexpr PartSpec kBodySpec{"pose_keypoints_2d", "body", kBodyKeypoints};
constexpr PartSpec kLeftHandSpec{"hand_left_keypoints_2d", "left hand", kHandKeypoints};
constexpr PartSpec kRightHandSpec{"hand_right_keypoints_2d", "right hand", kHandKeypoints};
constexpr PartSpec kFaceSpec{"face_keypoints_2d", "face", kFaceKeypoints};

json slots_to_json(const KeypointSlot* slots, std::size_t n, int width, int height) {
  json out = json::array();
  for (std::size_t i = 0; i < n; ++i) {
    if (!slots[i]) {
      out.insert(out.end(), {0.0, 0.0, 0.0});
      continue;
    }
    out.push_back(slots[i]->x * width);
    out.push_back(slots[i]->y * height);
    out.push_back(slots[i]->score);
  }
  return out;
}

std::string keypoint_name(const PartSpec& spec, int i) {
  if (spec.count == kBodyKeypoints) return fmt::format("keypoint {} ({})", i, kBodyKeypointNames[i]);
  return fmt::format("{} keypoint {}", spec.what, i);
}

std::vector<KeypointSlot> slots_from_json(const json& person, const PartSpec& spec, const std::string& where, int width,
                                          int height) {
  std::vector<KeypointSlot> slots;
  if (!person.contains(spec.key) || person[spec.key].is_null()) return slots;
  const json& values = person[spec.key];
  if (!values.is_array()) throw Error("{}: '{}' must be an array of numbers", where, spec.key);
  if (values.empty() && spec.count != kBodyKeypoints) return slots;  // absent hand/face
  if (values.size() % 3 != 0)
    throw Error("{}: '{}' has {} numbers, not x,y,confidence triples", where, spec.key, values.size());
  if (values.size() != static_cast<std::size_t>(3 * spec.count))
    throw Error("{}: '{}' has {} keypoints, expected {}{}", where, spec.key, values.size() / 3, spec.count,
                spec.count == kBodyKeypoints ? " (COCO-18 body; BODY_25 is not supported)" : "");
  slots.resize(spec.count);
  for (int i = 0; i < spec.count; ++i) {
    double v[3];
    for (int c = 0; c < 3; ++c) {
      const json& e = values[3 * i + c];
      if (!e.is_number())
        throw Error("{}: '{}' {} has a non-number value {}", where, spec.key, keypoint_name(spec, i), e.dump());
      v[c] = e.get<double>();
    }
    if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]))
      throw Error("{}: {} has a non-finite value", where, keypoint_name(spec, i));
    if (v[2] <= 0) continue;  // confidence 0: not detected
    if (v[0] < 0 || v[0] > width || v[1] < 0 || v[1] > height)
      throw Error("{}: {} at ({}, {}) is outside the {}x{} canvas", where, keypoint_name(spec, i), v[0], v[1], width,
                  height);
    slots[i] = Keypoint{v[0] / width, v[1] / height, v[2]};
  }
  return slots;
}

int canvas_side(const json& j, const char* key, int fallback, const std::string& source) {
  if (!j.contains(key)) {
    if (fallback > 0) return fallback;
    throw Error("{}: '{}' is missing (needed to place pixel coordinates; give the image size)", source, key);
  }
  const json& v = j[key];
  if (!v.is_number() || v.get<double>() < 1 || !io::json_fits<int>(v))
    throw Error("{}: '{}' must be a positive whole number, got {}", source, key, v.dump());
  return v.get<int>();
}

}  // namespace

json pose_to_json(const Pose& pose) {
  json people = json::array();
  const int w = pose.canvas_width(), h = pose.canvas_height();
  for (const Person& p : pose.people()) {
    json person;
    person[kBodySpec.key] = slots_to_json(p.body.data(), p.body.size(), w, h);
    if (!p.left_hand.empty()) person[kLeftHandSpec.key] = slots_to_json(p.left_hand.data(), p.left_hand.size(), w, h);
    if (!p.right_hand.empty())
      person[kRightHandSpec.key] = slots_to_json(p.right_hand.data(), p.right_hand.size(), w, h);
    if (!p.face.empty()) person[kFaceSpec.key] = slots_to_json(p.face.data(), p.face.size(), w, h);
    people.push_back(std::move(person));
  }
  return json{{"people", people}, {"canvas_width", w}, {"canvas_height", h}};
}

Pose pose_from_json(const json& j, const std::string& source, int default_width, int default_height) {
  if (!j.is_object()) throw Error("{}: expected a JSON object with 'people', got {}", source, j.type_name());
  const int w = canvas_side(j, "canvas_width", default_width, source);
  const int h = canvas_side(j, "canvas_height", default_height, source);
  if (!j.contains("people") || !j["people"].is_array()) throw Error("{}: 'people' must be an array", source);
  Pose pose(w, h);
  const json& people = j["people"];
  for (std::size_t p = 0; p < people.size(); ++p) {
    const std::string where = fmt::format("{}: person {}", source, p);
    if (!people[p].is_object()) throw Error("{}: must be an object", where);
    if (!people[p].contains(kBodySpec.key)) throw Error("{}: '{}' is missing", where, kBodySpec.key);
    Person person;
    const std::vector<KeypointSlot> body = slots_from_json(people[p], kBodySpec, where, w, h);
    std::copy(body.begin(), body.end(), person.body.begin());
    person.left_hand = slots_from_json(people[p], kLeftHandSpec, where, w, h);
    person.right_hand = slots_from_json(people[p], kRightHandSpec, where, w, h);
    person.face = slots_from_json(people[p], kFaceSpec, where, w, h);
    pose.add_person(person);
  }
  return pose;
}

constexpr std::uintmax_t kMaxPoseJsonBytes = 64ull << 20;

void save_pose_json(const std::filesystem::path& path, const Pose& pose) {
  io::write_file_atomic(path, pose_to_json(pose).dump(1) + "\n");
}

Pose load_pose_json(const std::filesystem::path& path, int default_width, int default_height) {
  io::check_input_file(path, "pose JSON", kMaxPoseJsonBytes);  // not a device, not a huge file
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("pose JSON '{}': cannot open the file", path.string());
  std::stringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    throw Error("pose JSON '{}': not valid JSON: {}", path.string(), e.what());
  }
  return pose_from_json(j, fmt::format("pose JSON '{}'", path.string()), default_width, default_height);
}

}  // namespace poseforge::pose
