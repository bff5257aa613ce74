// Pose model: validation and editing of people and keypoints.
#include "core/pose/pose.h"

#include <cmath>

#include "core/error.h"
#include "core/pose/body_decode.h"

namespace poseforge::pose {

namespace {

bool same(const KeypointSlot& a, const KeypointSlot& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->x == b->x && a->y == b->y && a->score == b->score);
}

bool same(const std::vector<KeypointSlot>& a, const std::vector<KeypointSlot>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

void check_part(const std::vector<KeypointSlot>& part, std::size_t expected, const char* name) {
  if (!part.empty() && part.size() != expected)
    throw Error("pose: {} has {} keypoints, expected {} (or none)", name, part.size(), expected);
  for (const KeypointSlot& k : part)
    if (k) check_within_margin(*k, name);
}

void check_keypoint_index(int keypoint) {
  if (keypoint < 0 || keypoint >= kBodyKeypoints)
    throw Error("pose: body keypoint index {} out of range [0, {})", keypoint, kBodyKeypoints);
}

}  // namespace

const char* part_name(Part part) {
  switch (part) {
    case Part::Body: return "body";
    case Part::LeftHand: return "left hand";
    case Part::RightHand: return "right hand";
    case Part::Face: return "face";
  }
  return "?";
}

std::vector<KeypointSlot> Person::points(Part part) const {
  switch (part) {
    case Part::Body: return {body.begin(), body.end()};
    case Part::LeftHand: return left_hand;
    case Part::RightHand: return right_hand;
    case Part::Face: return face;
  }
  return {};
}

const KeypointSlot* Person::slot(Part part, int index) const {
  if (index < 0) return nullptr;
  const auto i = static_cast<std::size_t>(index);
  switch (part) {
    case Part::Body: return i < body.size() ? &body[i] : nullptr;
    case Part::LeftHand: return i < left_hand.size() ? &left_hand[i] : nullptr;
    case Part::RightHand: return i < right_hand.size() ? &right_hand[i] : nullptr;
    case Part::Face: return i < face.size() ? &face[i] : nullptr;
  }
  return nullptr;
}

int Person::body_count() const {
  int n = 0;
  for (const KeypointSlot& k : body) n += k.has_value();
  return n;
}

void check_normalised(const Keypoint& k, const char* what) {
  const bool ok = std::isfinite(k.x) && std::isfinite(k.y) && k.x >= 0 && k.x <= 1 && k.y >= 0 && k.y <= 1;
  if (!ok)
    throw Error("pose: {} at ({}, {}) is outside the image (normalised coordinates must be in [0, 1])", what, k.x, k.y);
  if (!std::isfinite(k.score)) throw Error("pose: {} has a non-finite score", what);
}

bool inside_canvas(const Keypoint& k) {
  return k.x >= 0 && k.x <= 1 && k.y >= 0 && k.y <= 1;
}

void check_within_margin(const Keypoint& k, const char* what) {
  const double lo = -kOutsideMargin, hi = 1 + kOutsideMargin;
  const bool ok = std::isfinite(k.x) && std::isfinite(k.y) && k.x >= lo && k.x <= hi && k.y >= lo && k.y <= hi;
  if (!ok)
    throw Error("pose: {} at ({}, {}) is too far outside the image (normalised coordinates must be in [{}, {}])", what,
                k.x, k.y, lo, hi);
  if (!std::isfinite(k.score)) throw Error("pose: {} has a non-finite score", what);
}

Pose::Pose(int canvas_width, int canvas_height) : canvas_width_(canvas_width), canvas_height_(canvas_height) {
  if (canvas_width <= 0 || canvas_height <= 0)
    throw Error("pose: canvas size {}x{} must be positive", canvas_width, canvas_height);
}

const Person& Pose::person(std::size_t index) const {
  if (index >= people_.size()) throw Error("pose: person {} does not exist ({} people)", index, people_.size());
  return people_[index];
}

Person& Pose::person_mut(std::size_t index) {
  return const_cast<Person&>(person(index));
}

std::size_t Pose::add_person(const Person& person) {
  for (int i = 0; i < kBodyKeypoints; ++i)
    if (person.body[i]) check_within_margin(*person.body[i], kBodyKeypointNames[i]);
  check_part(person.left_hand, kHandKeypoints, "left hand");
  check_part(person.right_hand, kHandKeypoints, "right hand");
  check_part(person.face, kFaceKeypoints, "face");
  people_.push_back(person);
  return people_.size() - 1;
}

void Pose::remove_person(std::size_t index) {
  person(index);
  people_.erase(people_.begin() + static_cast<std::ptrdiff_t>(index));
}

void Pose::set_keypoint(std::size_t person, int keypoint, const Keypoint& value) {
  check_keypoint_index(keypoint);
  check_normalised(value, kBodyKeypointNames[keypoint]);
  person_mut(person).body[keypoint] = value;
}

void Pose::move_keypoint(std::size_t person, int keypoint, double x, double y) {
  check_keypoint_index(keypoint);
  KeypointSlot& slot = person_mut(person).body[keypoint];
  if (!slot) throw Error("pose: person {} has no {} to move", person, kBodyKeypointNames[keypoint]);
  Keypoint moved{x, y, slot->score};
  check_normalised(moved, kBodyKeypointNames[keypoint]);
  slot = moved;
}

namespace {

KeypointSlot& point_slot(Person& p, Part part, int index, std::size_t person) {
  const KeypointSlot* slot = p.slot(part, index);
  if (!slot) throw Error("pose: person {} has no {} point {}", person, part_name(part), index);
  return const_cast<KeypointSlot&>(*slot);
}

}  // namespace

void Pose::move_point(std::size_t person, Part part, int index, double x, double y) {
  KeypointSlot& slot = point_slot(person_mut(person), part, index, person);
  if (!slot) throw Error("pose: person {} has no {} point {} to move", person, part_name(part), index);
  Keypoint moved{x, y, slot->score};
  check_normalised(moved, part_name(part));
  slot = moved;
}

void Pose::remove_point(std::size_t person, Part part, int index) {
  point_slot(person_mut(person), part, index, person).reset();
}

void Pose::replace_person(std::size_t index, const Person& person) {
  this->person(index);
  Pose check(1, 1);
  check.add_person(person);  // the same validation as add_person
  people_[index] = person;
}

void Pose::remove_keypoint(std::size_t person, int keypoint) {
  check_keypoint_index(keypoint);
  person_mut(person).body[keypoint].reset();
}

bool Pose::operator==(const Pose& other) const {
  if (canvas_width_ != other.canvas_width_ || canvas_height_ != other.canvas_height_ ||
      people_.size() != other.people_.size())
    return false;
  for (std::size_t p = 0; p < people_.size(); ++p) {
    const Person& a = people_[p];
    const Person& b = other.people_[p];
    for (int i = 0; i < kBodyKeypoints; ++i)
      if (!same(a.body[i], b.body[i])) return false;
    if (!same(a.left_hand, b.left_hand) || !same(a.right_hand, b.right_hand) || !same(a.face, b.face)) return false;
  }
  return true;
}

Pose pose_from_decoding(const BodyDecoding& decoding, int canvas_width, int canvas_height) {
  Pose pose(canvas_width, canvas_height);
  for (const SubsetRow& row : decoding.subset) {
    Person person;
    for (int i = 0; i < kBodyKeypoints; ++i) {
      const int id = static_cast<int>(row.parts[i]);
      if (id < 0) continue;
      const Candidate& c = decoding.candidates.at(static_cast<std::size_t>(id));
      person.body[i] =
          Keypoint{c.x / static_cast<double>(canvas_width), c.y / static_cast<double>(canvas_height), c.score};
    }
    pose.add_person(person);
  }
  return pose;
}

}  // namespace poseforge::pose
