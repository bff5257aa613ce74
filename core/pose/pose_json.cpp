// OpenPose JSON import (CMU, sd-webui editors, ComfyUI frames) and CMU-layout export.
#include "core/pose/pose_json.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/io/atomic_write.h"
#include "core/io/input_file.h"
#include "core/io/json_number.h"
#include "core/pose/pose_json_parts.h"

namespace poseforge::pose {

namespace {

using nlohmann::json;

constexpr int kParts = 4;
constexpr PartSpec kPartSpecs[kParts] = {{"pose_keypoints_2d", "body", kBodyKeypoints},
                                         {"hand_left_keypoints_2d", "left hand", kHandKeypoints},
                                         {"hand_right_keypoints_2d", "right hand", kHandKeypoints},
                                         {"face_keypoints_2d", "face", kFaceKeypoints}};
constexpr const char* kEmpty3dKeys[] = {"pose_keypoints_3d", "face_keypoints_3d", "hand_left_keypoints_3d",
                                        "hand_right_keypoints_3d"};
// Below this many pixels a side, coordinates in [0, 1] could be pixels: no normalised guess.
constexpr int kMinSideForNormalised = 8;

json slots_to_json(const std::vector<KeypointSlot>& slots, int width, int height) {
  json out = json::array();
  for (const KeypointSlot& k : slots) {
    if (!k) {
      out.insert(out.end(), {0.0, 0.0, 0.0});
      continue;
    }
    out.push_back(k->x * width);
    out.push_back(k->y * height);
    out.push_back(k->score);
  }
  return out;
}

int canvas_side(const json& j, const char* key, int fallback, const std::string& source) {
  if (!j.contains(key) || j[key].is_null()) {
    if (fallback > 0) return fallback;
    throw Error("{}: '{}' is missing (needed to place pixel coordinates; give the image size)", source, key);
  }
  const json& v = j[key];
  if (!v.is_number() || v.get<double>() < 1 || !io::json_fits<int>(v))
    throw Error("{}: '{}' must be a positive whole number, got {}", source, key, v.dump());
  return v.get<int>();
}

using RawPerson = std::array<std::optional<std::vector<RawKeypoint>>, kParts>;

bool looks_normalised(const std::vector<RawPerson>& people, int width, int height) {
  if (std::min(width, height) < kMinSideForNormalised) return false;
  bool any = false;
  for (const RawPerson& person : people)
    for (const auto& part : person) {
      if (!part) continue;
      for (const RawKeypoint& k : *part) {
        if (k.confidence <= 0) continue;
        any = true;
        const double lo = -kOutsideMargin, hi = 1 + kOutsideMargin;
        if (k.x < lo || k.x > hi || k.y < lo || k.y > hi) return false;
      }
    }
  return any;
}

struct Outside {
  int count = 0;
  std::string first;
};

std::vector<KeypointSlot> to_slots(const std::vector<RawKeypoint>& raw, const PartSpec& spec, const std::string& where,
                                   int width, int height, bool normalised, Outside& outside) {
  std::vector<KeypointSlot> slots(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const RawKeypoint& r = raw[i];
    if (r.confidence <= 0) continue;  // OpenPose writes 0, 0, 0 for a keypoint it did not find
    const Keypoint k =
        normalised ? Keypoint{r.x, r.y, r.confidence} : Keypoint{r.x / width, r.y / height, r.confidence};
    const std::string name = keypoint_name(spec, static_cast<int>(i));
    const double lo = -kOutsideMargin, hi = 1 + kOutsideMargin;
    if (k.x < lo || k.x > hi || k.y < lo || k.y > hi)
      throw Error("{}: '{}' {} at ({}, {}) is outside the {}x{} canvas{} by more than half the canvas", where, spec.key,
                  name, r.x, r.y, width, height, normalised ? " (normalised coordinates)" : "");
    if (!inside_canvas(k) && outside.count++ == 0)
      outside.first = fmt::format("{} {} at ({}, {})", where, name, r.x, r.y);
    slots[i] = k;
  }
  return slots;
}

PoseJsonImport read_frame(const json& j, const std::string& source, const PoseJsonOptions& options) {
  if (!j.is_object()) throw Error("{}: expected a JSON object with 'people', got {}", source, j.type_name());
  const int w = canvas_side(j, "canvas_width", options.default_width, source);
  const int h = canvas_side(j, "canvas_height", options.default_height, source);
  if (!j.contains("people") || !j["people"].is_array()) throw Error("{}: 'people' must be an array", source);
  const json& people = j["people"];
  std::vector<RawPerson> raw(people.size());
  bool body_25 = false;
  for (std::size_t p = 0; p < people.size(); ++p) {
    const std::string where = fmt::format("{}: person {}", source, p);
    if (!people[p].is_object()) throw Error("{}: must be an object, got {}", where, people[p].type_name());
    bool has_key = false;
    for (int part = 0; part < kParts; ++part) {
      has_key = has_key || people[p].contains(kPartSpecs[part].key);
      raw[p][part] = read_part(people[p], kPartSpecs[part], where, &body_25);
    }
    if (!has_key)
      throw Error("{}: has none of '{}', '{}', '{}', '{}'", where, kPartSpecs[0].key, kPartSpecs[1].key,
                  kPartSpecs[2].key, kPartSpecs[3].key);
  }
  PoseJsonImport out;
  out.normalised = looks_normalised(raw, w, h);
  out.dialect = fmt::format("OpenPose {} body, {} coordinates", body_25 ? "BODY_25" : "COCO-18",
                            out.normalised ? "normalised" : "pixel");
  out.pose = Pose(w, h);
  Outside outside;
  for (std::size_t p = 0; p < raw.size(); ++p) {
    const std::string where = fmt::format("{}: person {}", source, p);
    Person person;
    std::vector<KeypointSlot>* parts[kParts] = {nullptr, &person.left_hand, &person.right_hand, &person.face};
    for (int part = 0; part < kParts; ++part) {
      if (!raw[p][part]) continue;
      auto slots = to_slots(*raw[p][part], kPartSpecs[part], where, w, h, out.normalised, outside);
      if (part == 0)
        std::copy(slots.begin(), slots.end(), person.body.begin());
      else
        *parts[part] = std::move(slots);
    }
    out.pose.add_person(person);
  }
  if (outside.count > 0)
    out.warnings.push_back(fmt::format("{} keypoint(s) lie outside the {}x{} canvas (first: {}); kept, drawn clipped",
                                       outside.count, w, h, outside.first));
  return out;
}

}  // namespace

json pose_to_json(const Pose& pose) {
  json people = json::array();
  const int w = pose.canvas_width(), h = pose.canvas_height();
  for (const Person& p : pose.people()) {
    json person;
    person["person_id"] = {-1};
    person[kPartSpecs[0].key] = slots_to_json({p.body.begin(), p.body.end()}, w, h);
    person[kPartSpecs[1].key] = slots_to_json(p.left_hand, w, h);
    person[kPartSpecs[2].key] = slots_to_json(p.right_hand, w, h);
    person[kPartSpecs[3].key] = slots_to_json(p.face, w, h);
    for (const char* key : kEmpty3dKeys) person[key] = json::array();
    people.push_back(std::move(person));
  }
  return json{{"version", 1.3}, {"people", people}, {"canvas_width", w}, {"canvas_height", h}};
}

PoseJsonImport import_pose_json(const json& j, const std::string& source, const PoseJsonOptions& options) {
  if (!j.is_array()) {
    if (options.frame != 0)
      throw Error("{}: frame {} asked for, but the file holds one pose (not a list of frames)", source, options.frame);
    return read_frame(j, source, options);
  }
  // ComfyUI POSE_KEYPOINT: one {people, canvas_width, canvas_height} per frame of a batch.
  if (j.empty()) throw Error("{}: the list of frames is empty", source);
  const int frames = static_cast<int>(j.size());
  if (options.frame < 0 || options.frame >= frames)
    throw Error("{}: frame {} asked for, but the file has {} frame(s) (0 to {})", source, options.frame, frames,
                frames - 1);
  PoseJsonImport out = read_frame(j[options.frame], fmt::format("{}, frame {}", source, options.frame), options);
  out.frames = frames;
  out.frame = options.frame;
  out.dialect = fmt::format("ComfyUI POSE_KEYPOINT (frame {} of {}), {}", options.frame, frames, out.dialect);
  if (frames > 1)
    out.warnings.push_back(
        fmt::format("{}: {} frames; frame {} read (pick another with --pose-frame)", source, frames, options.frame));
  return out;
}

Pose pose_from_json(const json& j, const std::string& source, int default_width, int default_height) {
  PoseJsonOptions options;
  options.default_width = default_width;
  options.default_height = default_height;
  PoseJsonImport read = import_pose_json(j, source, options);
  for (const std::string& w : read.warnings) spdlog::warn("{}", w);
  return std::move(read.pose);
}

constexpr std::uintmax_t kMaxPoseJsonBytes = 64ull << 20;

void save_pose_json(const std::filesystem::path& path, const Pose& pose) {
  io::write_file_atomic(path, pose_to_json(pose).dump(1) + "\n");
}

namespace {

json parse_file(const std::filesystem::path& path) {
  io::check_input_file(path, "pose JSON", kMaxPoseJsonBytes);  // not a device, not a huge file
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("pose JSON '{}': cannot open the file", path.string());
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
    throw Error("pose JSON '{}': not valid JSON: {}", path.string(), e.what());
  }
}

}  // namespace

PoseJsonImport import_pose_json_file(const std::filesystem::path& path, const PoseJsonOptions& options) {
  return import_pose_json(parse_file(path), fmt::format("pose JSON '{}'", path.string()), options);
}

Pose load_pose_json(const std::filesystem::path& path, int default_width, int default_height) {
  return pose_from_json(parse_file(path), fmt::format("pose JSON '{}'", path.string()), default_width, default_height);
}

}  // namespace poseforge::pose
