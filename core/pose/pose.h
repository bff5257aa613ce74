// Pose: people x 18 body keypoints in normalised coordinates, editable; room for hands and face.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/pose/skeleton.h"

namespace poseforge::pose {

struct BodyDecoding;

// A keypoint in normalised image coordinates: x = pixel x / canvas width, y = pixel y / canvas
// height, both in [0, 1]; score is the detector's confidence (1 for keypoints placed by hand).
struct Keypoint {
  double x = 0;
  double y = 0;
  double score = 1.0;
};

using KeypointSlot = std::optional<Keypoint>;  // empty = not detected / deleted

// The parts of a person: the 18-point body, 21-point hands, the 70-point face.
enum class Part { Body, LeftHand, RightHand, Face };
constexpr Part kParts[] = {Part::Body, Part::LeftHand, Part::RightHand, Part::Face};
const char* part_name(Part part);  // "body", "left hand", "right hand", "face"

struct Person {
  std::array<KeypointSlot, kBodyKeypoints> body;
  // Optional parts: empty vector = absent; else kHandKeypoints / kFaceKeypoints slots.
  std::vector<KeypointSlot> left_hand;
  std::vector<KeypointSlot> right_hand;
  std::vector<KeypointSlot> face;

  int body_count() const;  // body keypoints present
  // The part's slots (body: all 18; a hand or the face: empty when absent).
  std::vector<KeypointSlot> points(Part part) const;
  // The slot `index` of `part`, nullptr when the part has no such index (an absent hand).
  const KeypointSlot* slot(Part part, int index) const;
};

// The people of one picture, with the canvas size (pixels) their coordinates refer to.
// Editing methods check indices and coordinates and throw Error naming the bad value.
class Pose {
 public:
  Pose() = default;
  Pose(int canvas_width, int canvas_height);

  int canvas_width() const { return canvas_width_; }
  int canvas_height() const { return canvas_height_; }
  const std::vector<Person>& people() const { return people_; }
  const Person& person(std::size_t index) const;
  bool empty() const { return people_.empty(); }

  // Adds a person (validated: keypoints within kOutsideMargin of the canvas) and returns its index.
  std::size_t add_person(const Person& person = {});
  void remove_person(std::size_t index);
  // Adds or replaces a body keypoint.
  void set_keypoint(std::size_t person, int keypoint, const Keypoint& value);
  // Moves an existing body keypoint (throws when it is missing); keeps its score.
  void move_keypoint(std::size_t person, int keypoint, double x, double y);
  void remove_keypoint(std::size_t person, int keypoint);
  // The same for any part's point (body, hands, face): moves keep the score and stay within [0, 1].
  void move_point(std::size_t person, Part part, int index, double x, double y);
  void remove_point(std::size_t person, Part part, int index);
  // Replaces a whole person (validated as add_person does).
  void replace_person(std::size_t index, const Person& person);

  bool operator==(const Pose& other) const;

 private:
  Person& person_mut(std::size_t index);

  int canvas_width_ = 0;
  int canvas_height_ = 0;
  std::vector<Person> people_;
};

// Throws Error when x or y is outside [0, 1] or not finite; `what` names the keypoint.
void check_normalised(const Keypoint& k, const char* what);

// How far outside the canvas (a fraction of its size) a keypoint of an added person may lie: pose
// editors leave points a little off the edge; they are kept and drawn clipped.
constexpr double kOutsideMargin = 0.5;
bool inside_canvas(const Keypoint& k);
// Like check_normalised, but allows kOutsideMargin beyond each edge.
void check_within_margin(const Keypoint& k, const char* what);

// The decoder's people as a Pose: candidate pixel positions divided by the canvas size
// (as controlnet_aux's detect_poses does), scores kept.
Pose pose_from_decoding(const BodyDecoding& decoding, int canvas_width, int canvas_height);

}  // namespace poseforge::pose
