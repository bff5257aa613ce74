// Reading a person's part from OpenPose JSON: flat or nested numbers, absent parts, BODY_25 -> COCO-18.
#include "core/pose/pose_json_parts.h"

#include <cmath>

#include "core/error.h"
#include "core/pose/skeleton.h"

namespace poseforge::pose {

namespace {

using nlohmann::json;

constexpr int kBody25Keypoints = 25;

// BODY_25 index of each COCO-18 keypoint: the same order without MidHip (8) and the feet (19-24).
constexpr int body_25_index(int coco) {
  return coco < 8 ? coco : coco + 1;
}

double number(const json& v, const PartSpec& spec, int i, const std::string& where) {
  if (!v.is_number())
    throw Error("{}: '{}' {} has a non-number value {}", where, spec.key, keypoint_name(spec, i), v.dump());
  const double d = v.get<double>();
  if (!std::isfinite(d)) throw Error("{}: '{}' {} has a non-finite value", where, spec.key, keypoint_name(spec, i));
  return d;
}

std::vector<RawKeypoint> read_flat(const json& values, const PartSpec& spec, const std::string& where) {
  if (values.size() % 3 != 0)
    throw Error("{}: '{}' has {} numbers, not x,y,confidence triples", where, spec.key, values.size());
  std::vector<RawKeypoint> out(values.size() / 3);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int k = static_cast<int>(i);
    out[i] = {number(values[3 * i], spec, k, where), number(values[3 * i + 1], spec, k, where),
              number(values[3 * i + 2], spec, k, where)};
  }
  return out;
}

std::vector<RawKeypoint> read_nested(const json& values, const PartSpec& spec, const std::string& where) {
  std::vector<RawKeypoint> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int k = static_cast<int>(i);
    const json& p = values[i];
    if (!p.is_array() || (p.size() != 2 && p.size() != 3))
      throw Error("{}: '{}' {} must be [x, y, confidence] (or [x, y]), got {}", where, spec.key, keypoint_name(spec, k),
                  p.dump());
    out[i] = {number(p[0], spec, k, where), number(p[1], spec, k, where),
              p.size() == 3 ? number(p[2], spec, k, where) : 1.0};
  }
  return out;
}

}  // namespace

std::string keypoint_name(const PartSpec& spec, int index) {
  if (spec.count == kBodyKeypoints && index < kBodyKeypoints)
    return fmt::format("keypoint {} ({})", index, kBodyKeypointNames[index]);
  return fmt::format("{} keypoint {}", spec.what, index);
}

std::optional<std::vector<RawKeypoint>> read_part(const json& person, const PartSpec& spec, const std::string& where,
                                                  bool* body_25) {
  const auto it = person.find(spec.key);
  if (it == person.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) throw Error("{}: '{}' must be an array of numbers, got {}", where, spec.key, it->type_name());
  if (it->empty()) return std::nullopt;
  std::vector<RawKeypoint> points =
      it->front().is_array() ? read_nested(*it, spec, where) : read_flat(*it, spec, where);
  const bool is_body = spec.count == kBodyKeypoints;
  if (is_body && points.size() == kBody25Keypoints) {
    std::vector<RawKeypoint> coco(kBodyKeypoints);
    for (int i = 0; i < kBodyKeypoints; ++i) coco[i] = points[body_25_index(i)];
    if (body_25) *body_25 = true;
    return coco;
  }
  if (points.size() != static_cast<std::size_t>(spec.count))
    throw Error("{}: '{}' has {} keypoints, expected {}{}", where, spec.key, points.size(), spec.count,
                is_body ? " (COCO-18) or 25 (BODY_25)" : "");
  return points;
}

}  // namespace poseforge::pose
