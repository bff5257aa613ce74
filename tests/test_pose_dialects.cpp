// core/pose: OpenPose JSON dialects (CMU BODY_25 / COCO-18, sd-webui editors, ComfyUI POSE_KEYPOINT) and
// the hands and face drawn as controlnet_aux's openpose_full draws them.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/image.h"
#include "core/pose/draw.h"
#include "core/pose/pose_json.h"
#include "core/pose/pose_transform.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/whole_body_pose.h"

using namespace poseforge;
using namespace poseforge::pose;
using nlohmann::json;
using poseforge::test::expect_error;
using poseforge::test::PixelPoint;
using poseforge::test::PixelPose;
using poseforge::test::TempDir;
using poseforge::test::write_bytes;

namespace {

// Coordinates divided by (sx, sy): 1 for pixels, the canvas size for normalised files.
json flat(const std::vector<PixelPoint>& points, double sx, double sy) {
  json out = json::array();
  for (const PixelPoint& p : points) {
    if (p.c > 0)
      out.insert(out.end(), {p.x / sx, p.y / sy, p.c});
    else
      out.insert(out.end(), {0.0, 0.0, 0.0});
  }
  return out;
}

json nested(const std::vector<PixelPoint>& points) {
  json out = json::array();
  for (const PixelPoint& p : points) out.push_back(p.c > 0 ? json{p.x, p.y, p.c} : json{0, 0, 0});
  return out;
}

// BODY_25: the COCO-18 points with MidHip (8) between the hips and six foot points (19-24) below the ankles.
std::vector<PixelPoint> body_25(const std::vector<PixelPoint>& coco) {
  std::vector<PixelPoint> out(coco.begin(), coco.begin() + 8);
  out.push_back({(coco[8].x + coco[11].x) / 2, (coco[8].y + coco[11].y) / 2, 0.6});
  out.insert(out.end(), coco.begin() + 8, coco.end());
  for (int foot = 0; foot < 6; ++foot) {
    const PixelPoint& ankle = coco[foot < 3 ? 13 : 10];
    out.push_back({ankle.x + foot % 3 * 2.5, ankle.y + 5.5, 0.4});
  }
  return out;
}

// CMU OpenPose's own output: version, person_id, all 2D and 3D keys, [] for an absent part, no canvas size.
json cmu_file(const PixelPose& pose, bool body25, bool with_canvas) {
  json people = json::array();
  for (const auto& p : pose.people) {
    people.push_back({{"person_id", {-1}},
                      {"pose_keypoints_2d", flat(body25 ? body_25(p.body) : p.body, 1, 1)},
                      {"face_keypoints_2d", flat(p.face, 1, 1)},
                      {"hand_left_keypoints_2d", flat(p.left_hand, 1, 1)},
                      {"hand_right_keypoints_2d", flat(p.right_hand, 1, 1)},
                      {"pose_keypoints_3d", json::array()},
                      {"face_keypoints_3d", json::array()},
                      {"hand_left_keypoints_3d", json::array()},
                      {"hand_right_keypoints_3d", json::array()}});
  }
  json out{{"version", 1.3}, {"people", people}};
  if (with_canvas) out["canvas_width"] = pose.width, out["canvas_height"] = pose.height;
  return out;
}

// sd-webui-openpose-editor / sd-webui-controlnet: {people, canvas_width, canvas_height}; normalised
// coordinates in the controlnet extension's files, absent parts as null there and as missing keys in the editor.
json webui_frame(const PixelPose& pose, bool normalised) {
  const double sx = normalised ? pose.width : 1, sy = normalised ? pose.height : 1;
  json people = json::array();
  for (const auto& p : pose.people) {
    json person{{"pose_keypoints_2d", flat(p.body, sx, sy)}};
    const std::pair<const char*, const std::vector<PixelPoint>*> parts[] = {{"hand_left_keypoints_2d", &p.left_hand},
                                                                            {"hand_right_keypoints_2d", &p.right_hand},
                                                                            {"face_keypoints_2d", &p.face}};
    for (const auto& [key, points] : parts) {
      if (!points->empty())
        person[key] = flat(*points, sx, sy);
      else if (normalised)
        person[key] = nullptr;
    }
    people.push_back(person);
  }
  return {{"people", people}, {"canvas_width", pose.width}, {"canvas_height", pose.height}};
}

json nested_file(const PixelPose& pose) {
  json people = json::array();
  for (const auto& p : pose.people)
    people.push_back({{"pose_keypoints_2d", nested(p.body)},
                      {"hand_left_keypoints_2d", nested(p.left_hand)},
                      {"hand_right_keypoints_2d", nested(p.right_hand)},
                      {"face_keypoints_2d", nested(p.face)}});
  return {{"people", people}, {"canvas_width", pose.width}, {"canvas_height", pose.height}};
}

void expect_same_slots(const std::vector<KeypointSlot>& a, const std::vector<KeypointSlot>& b,
                       const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].has_value(), b[i].has_value()) << what << " " << i;
    if (!a[i]) continue;
    EXPECT_NEAR(a[i]->x, b[i]->x, 1e-12) << what << " " << i;
    EXPECT_NEAR(a[i]->y, b[i]->y, 1e-12) << what << " " << i;
    EXPECT_NEAR(a[i]->score, b[i]->score, 1e-12) << what << " " << i;
  }
}

void expect_same_pose(const Pose& a, const Pose& b, const std::string& what) {
  ASSERT_EQ(a.canvas_width(), b.canvas_width()) << what;
  ASSERT_EQ(a.canvas_height(), b.canvas_height()) << what;
  ASSERT_EQ(a.people().size(), b.people().size()) << what;
  for (std::size_t p = 0; p < a.people().size(); ++p) {
    const Person& x = a.people()[p];
    const Person& y = b.people()[p];
    expect_same_slots({x.body.begin(), x.body.end()}, {y.body.begin(), y.body.end()}, what + " body");
    expect_same_slots(x.left_hand, y.left_hand, what + " left hand");
    expect_same_slots(x.right_hand, y.right_hand, what + " right hand");
    expect_same_slots(x.face, y.face, what + " face");
  }
}

std::size_t count_color(const io::Image& image, std::array<int, 3> rgb) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < image.pixels.size(); i += 3)
    n += image.pixels[i] == rgb[0] && image.pixels[i + 1] == rgb[1] && image.pixels[i + 2] == rgb[2];
  return n;
}

std::array<int, 3> pixel_at(const io::Image& image, int x, int y) {
  const std::size_t i = (static_cast<std::size_t>(y) * image.width + x) * 3;
  return {image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
}

}  // namespace

TEST(PoseDialects, EveryDialectLoadsDrawsAndRoundTrips) {
  const PixelPose pixels = test::whole_body_pixels();
  const Pose expected = test::to_pose(pixels);
  const io::Image expected_drawing = draw_pose(expected, pixels.width, pixels.height);
  // A picture with bodies, hands and faces in it.
  EXPECT_GT(count_color(expected_drawing, {255, 255, 255}), 100u);
  EXPECT_GT(count_color(expected_drawing, {0, 0, 255}), 100u);

  PixelPose other = pixels;  // the ComfyUI batch's other frames: one person
  other.people.resize(1);
  struct Case {
    std::string name;
    json file;
    PoseJsonOptions options;
    std::string dialect;  // fragment of PoseJsonImport::dialect
  };
  PoseJsonOptions sized;  // OpenPose writes no canvas size: the caller gives the image's
  sized.default_width = pixels.width;
  sized.default_height = pixels.height;
  PoseJsonOptions frame1;
  frame1.frame = 1;
  const std::vector<Case> cases = {
      {"openpose_body25", cmu_file(pixels, true, false), sized, "BODY_25"},
      {"openpose_coco18", cmu_file(pixels, false, true), {}, "COCO-18"},
      {"openpose_editor", webui_frame(pixels, false), {}, "pixel"},
      {"controlnet_normalised", webui_frame(pixels, true), {}, "normalised"},
      {"comfyui_pose_keypoint", json{webui_frame(other, true), webui_frame(pixels, true), webui_frame(other, true)},
       frame1, "frame 1 of 3"},
      {"nested", nested_file(pixels), {}, "pixel"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto file = dir / (c.name + ".json");
    write_bytes(file, c.file.dump(1));
    const PoseJsonImport read = import_pose_json_file(file, c.options);
    EXPECT_NE(read.dialect.find(c.dialect), std::string::npos) << read.dialect;
    expect_same_pose(read.pose, expected, c.name);
    EXPECT_EQ(draw_pose(read.pose, pixels.width, pixels.height).pixels, expected_drawing.pixels);
    // Export: the CMU layout with the canvas size, which reads back to the same pose and picture.
    const auto exported = dir / (c.name + ".exported.json");
    save_pose_json(exported, read.pose);
    const json written = json::parse(test::read_bytes(exported));
    EXPECT_EQ(written.at("canvas_width").get<int>(), pixels.width);
    EXPECT_EQ(written.at("canvas_height").get<int>(), pixels.height);
    EXPECT_EQ(written.at("version").get<double>(), 1.3);
    EXPECT_EQ(written.at("people")[0].at("pose_keypoints_2d").size(), 54u);
    EXPECT_EQ(written.at("people")[0].at("hand_left_keypoints_2d").size(), 63u);
    EXPECT_EQ(written.at("people")[0].at("face_keypoints_2d").size(), 210u);
    EXPECT_TRUE(written.at("people")[1].at("hand_right_keypoints_2d").empty());
    const PoseJsonImport again = import_pose_json_file(exported);
    EXPECT_FALSE(again.normalised);
    expect_same_pose(again.pose, expected, c.name + " exported");
    EXPECT_EQ(draw_pose(again.pose, pixels.width, pixels.height).pixels, expected_drawing.pixels);
  }
}

TEST(PoseDialects, ComfyFramesAreCountedAndChosen) {
  const PixelPose pixels = test::whole_body_pixels();
  PixelPose one = pixels;
  one.people.resize(1);
  const json frames{webui_frame(one, true), webui_frame(pixels, true)};
  const PoseJsonImport first = import_pose_json(frames, "frames.json");
  EXPECT_EQ(first.frames, 2);
  EXPECT_EQ(first.frame, 0);
  EXPECT_EQ(first.pose.people().size(), 1u);
  ASSERT_EQ(first.warnings.size(), 1u);
  EXPECT_NE(first.warnings[0].find("2 frames"), std::string::npos) << first.warnings[0];
  PoseJsonOptions o;
  o.frame = 2;
  expect_error([&] { import_pose_json(frames, "frames.json", o); }, {"frames.json", "frame 2", "2 frame(s)"});
  expect_error([&] { import_pose_json(json::array(), "empty.json"); }, {"empty.json", "empty"});
  expect_error([&] { import_pose_json(webui_frame(one, true), "single.json", o); }, {"single.json", "frame 2"});
}

TEST(PoseDialects, KeypointsSlightlyOutsideAreKeptWithAWarning) {
  PixelPose pixels = test::whole_body_pixels();
  pixels.people[0].body[4].x = -6.5;                      // right wrist off the left edge
  pixels.people[1].left_hand[8].y = pixels.height + 3.2;  // a fingertip below the bottom
  for (const bool normalised : {false, true}) {
    const PoseJsonImport read = import_pose_json(webui_frame(pixels, normalised), "edge.json");
    EXPECT_EQ(read.normalised, normalised);
    ASSERT_EQ(read.warnings.size(), 1u);
    for (const char* part : {"2 keypoint(s)", "outside", "person 0", "keypoint 4 (right_wrist)", "kept"})
      EXPECT_NE(read.warnings[0].find(part), std::string::npos) << part << " not in " << read.warnings[0];
    EXPECT_NEAR(read.pose.people()[0].body[4]->x, -6.5 / pixels.width, 1e-12);
    // Drawn clipped: the picture is the canvas' size and the wrist's limb still reaches the edge.
    const io::Image drawn = draw_pose(read.pose, pixels.width, pixels.height);
    int edge = 0;
    for (int y = 0; y < pixels.height; ++y) edge += pixel_at(drawn, 0, y) != std::array<int, 3>{0, 0, 0};
    EXPECT_GT(edge, 0);
  }
}

TEST(PoseDialects, GarbageIsRefusedNamingFilePersonAndField) {
  const PixelPose pixels = test::whole_body_pixels();
  TempDir dir;
  auto load = [&](const json& j) {
    write_bytes(dir / "bad.json", j.dump());
    return import_pose_json_file(dir / "bad.json");
  };
  json short_hand = webui_frame(pixels, false);
  short_hand["people"][1]["hand_left_keypoints_2d"].erase(0);  // 62 numbers
  expect_error([&] { load(short_hand); }, {"bad.json", "person 1", "hand_left_keypoints_2d", "triples"});
  json twenty = webui_frame(pixels, false);
  auto& hand = twenty["people"][1]["hand_left_keypoints_2d"];
  hand.erase(hand.end() - 3, hand.end());
  expect_error([&] { load(twenty); }, {"bad.json", "person 1", "hand_left_keypoints_2d", "20 keypoints, expected 21"});
  json text = webui_frame(pixels, false);
  text["people"][0]["face_keypoints_2d"][4] = "12";
  expect_error([&] { load(text); }, {"bad.json", "person 0", "face_keypoints_2d", "face keypoint 1", "non-number"});
  json null_value = nested_file(pixels);
  null_value["people"][1]["pose_keypoints_2d"][3][0] = nullptr;
  expect_error([&] { load(null_value); }, {"bad.json", "person 1", "keypoint 3 (right_elbow)", "non-number"});
  json body_20 = cmu_file(pixels, false, true);
  body_20["people"][0]["pose_keypoints_2d"] = json::array();
  for (int i = 0; i < 60; ++i) body_20["people"][0]["pose_keypoints_2d"].push_back(10.5);
  expect_error([&] { load(body_20); }, {"bad.json", "person 0", "20 keypoints", "BODY_25"});
  json far = webui_frame(pixels, false);
  far["people"][1]["pose_keypoints_2d"][6] = 4 * pixels.width;  // keypoint 2
  expect_error([&] { load(far); }, {"bad.json", "person 1", "keypoint 2 (right_shoulder)", "outside"});
  json not_part = webui_frame(pixels, false);
  not_part["people"][0]["face_keypoints_2d"] = "none";
  expect_error([&] { load(not_part); }, {"bad.json", "person 0", "face_keypoints_2d", "array"});
  // Python's json writes NaN, which is not JSON.
  write_bytes(dir / "nan.json", "{\"people\": [{\"pose_keypoints_2d\": [NaN, 1, 1]}]}");
  expect_error([&] { import_pose_json_file(dir / "nan.json"); }, {"nan.json", "not valid JSON"});
}

TEST(PoseDraw, HandsLikeControlnetAux) {
  // One hand on black: each bone a 2 px line in hue bone/20 (full saturation and value), then blue dots.
  Pose pose(400, 400);
  Person person;
  person.right_hand.resize(kHandKeypoints);
  // A spread hand: wrist at the bottom, five fingers of 4 joints, 18 px apart, so that bone middles are far
  // from every dot.
  const double wx = 200.5, wy = 330.5;
  person.right_hand[0] = Keypoint{wx / 400, wy / 400, 1};
  for (int f = 0; f < 5; ++f)
    for (int j = 1; j <= 4; ++j) {
      const double angle = -1.0 + 0.5 * f;
      person.right_hand[f * 4 + j] =
          Keypoint{(wx + std::sin(angle) * 30 * j) / 400, (wy - std::cos(angle) * 30 * j) / 400, 1};
    }
  pose.add_person(person);
  const io::Image drawn = draw_pose(pose, 400, 400);
  for (int e = 0; e < kHandBones; ++e) {
    const Keypoint& a = *person.right_hand[kHandEdges[e].a];
    const Keypoint& b = *person.right_hand[kHandEdges[e].b];
    const int ax = static_cast<int>(a.x * 400), ay = static_cast<int>(a.y * 400);
    const int bx = static_cast<int>(b.x * 400), by = static_cast<int>(b.y * 400);
    const std::array<int, 3> c = pixel_at(drawn, (ax + bx) / 2, (ay + by) / 2);
    // RGB -> HSV of the pixel: hue must be bone / 20 of the circle (within OpenCV's rounding to bytes).
    const int mx = std::max({c[0], c[1], c[2]}), mn = std::min({c[0], c[1], c[2]});
    ASSERT_EQ(mx, 255) << "bone " << e;
    ASSERT_EQ(mn, 0) << "bone " << e;
    double hue = 0;
    if (mx == c[0])
      hue = std::fmod((c[1] - c[2]) / 255.0, 6.0);
    else if (mx == c[1])
      hue = (c[2] - c[0]) / 255.0 + 2;
    else
      hue = (c[0] - c[1]) / 255.0 + 4;
    if (hue < 0) hue += 6;
    EXPECT_NEAR(hue / 6, e / 20.0, 0.5 / 255) << "bone " << e << " colour " << c[0] << "," << c[1] << "," << c[2];
    const auto expected = hand_bone_color(e);
    for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(c[ch], static_cast<int>(std::lrint(expected[ch]))) << "bone " << e;
  }
  // Dots: blue (0, 0, 255), radius 4, centred on int(x * W), int(y * H).
  for (const KeypointSlot& k : person.right_hand) {
    const int x = static_cast<int>(k->x * 400), y = static_cast<int>(k->y * 400);
    EXPECT_EQ(pixel_at(drawn, x, y), (std::array<int, 3>{0, 0, 255}));
    EXPECT_EQ(pixel_at(drawn, x + 4, y), (std::array<int, 3>{0, 0, 255}));
    EXPECT_NE(pixel_at(drawn, x + 4, y + 4), (std::array<int, 3>{0, 0, 255}));
  }
  EXPECT_EQ(count_color(drawn, {255, 255, 255}), 0u);
  // Toggles: no hands, nothing drawn.
  DrawParts body_only;
  body_only.hands = false;
  const io::Image none = draw_pose(pose, 400, 400, body_only);
  EXPECT_TRUE(std::all_of(none.pixels.begin(), none.pixels.end(), [](std::uint8_t v) { return v == 0; }));
}

TEST(PoseDraw, FaceDotsAndTheEpsRule) {
  Pose pose(64, 48);
  Person person;
  person.face.resize(kFaceKeypoints);
  person.face[0] = Keypoint{20.5 / 64, 20.5 / 48, 1};
  person.face[1] = Keypoint{0.0, 30.5 / 48, 1};  // pixel x 0: controlnet_aux treats it as absent (<= eps)
  person.left_hand.resize(kHandKeypoints);
  person.left_hand[0] = Keypoint{40.5 / 64, 0.0, 1};  // pixel y 0: absent too, and so are its bones
  person.left_hand[1] = Keypoint{50.5 / 64, 10.5 / 48, 1};
  pose.add_person(person);
  const io::Image drawn = draw_pose(pose, 64, 48);
  EXPECT_EQ(pixel_at(drawn, 20, 20), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(pixel_at(drawn, 23, 20), (std::array<int, 3>{255, 255, 255}));  // radius 3
  EXPECT_NE(pixel_at(drawn, 24, 20), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(pixel_at(drawn, 0, 30), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(pixel_at(drawn, 40, 0), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(pixel_at(drawn, 50, 10), (std::array<int, 3>{0, 0, 255}));
  EXPECT_EQ(pixel_at(drawn, 45, 5), (std::array<int, 3>{0, 0, 0}));  // no bone to the absent wrist
  // 29 white pixels make a filled circle of radius 3 in OpenCV; the face's one visible dot.
  const std::size_t white = count_color(drawn, {255, 255, 255});
  EXPECT_GT(white, 20u);
  EXPECT_LT(white, 40u);
}

TEST(PoseTools, FlipSwapsLeftAndRightAndTwiceIsTheSame) {
  const Pose pose = test::to_pose(test::whole_body_pixels());
  const Pose flipped = flip_horizontal(pose);
  const Person& a = pose.people()[0];
  const Person& b = flipped.people()[0];
  // Right shoulder (2) <-> left shoulder (5), right eye (14) <-> left eye (15), the nose stays.
  EXPECT_NEAR(b.body[5]->x, 1 - a.body[2]->x, 1e-15);
  EXPECT_NEAR(b.body[2]->y, a.body[5]->y, 1e-15);
  EXPECT_NEAR(b.body[15]->x, 1 - a.body[14]->x, 1e-15);
  EXPECT_NEAR(b.body[0]->x, 1 - a.body[0]->x, 1e-15);
  // Hands trade sides; the face's jaw line and pupils mirror (0 <-> 16, 68 <-> 69), the nose tip (30) stays.
  const Person& one_hand = pose.people()[1];
  EXPECT_TRUE(flipped.people()[1].left_hand.empty());
  EXPECT_EQ(flipped.people()[1].right_hand.size(), one_hand.left_hand.size());
  EXPECT_NEAR(b.face[16]->x, 1 - a.face[0]->x, 1e-15);
  EXPECT_NEAR(b.face[69]->y, a.face[68]->y, 1e-15);
  EXPECT_NEAR(b.face[30]->x, 1 - a.face[30]->x, 1e-15);
  EXPECT_FALSE(b.face[11].has_value());  // face point 5 was absent: its mirror (11) is absent now
  const Pose twice = flip_horizontal(flipped);
  for (std::size_t p = 0; p < pose.people().size(); ++p)
    for (const Part part : kParts) {
      const auto x = pose.people()[p].points(part), y = twice.people()[p].points(part);
      ASSERT_EQ(x.size(), y.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(x[i].has_value(), y[i].has_value());
        if (x[i]) EXPECT_NEAR(x[i]->x, y[i]->x, 1e-15);
      }
    }
}

TEST(PoseTools, ScaleAndMoveAPersonAboutItsCentre) {
  const Pose pose = test::to_pose(test::whole_body_pixels());
  const Pose moved = transform_person(pose, 1, 2.0, 0.01, -0.02);
  const Person& a = pose.people()[1];
  const Person& b = moved.people()[1];
  // The distance between two points doubles; the other person is untouched.
  EXPECT_NEAR(b.body[10]->y - b.body[0]->y, 2 * (a.body[10]->y - a.body[0]->y), 1e-12);
  EXPECT_NEAR(b.left_hand[4]->x - b.left_hand[0]->x, 2 * (a.left_hand[4]->x - a.left_hand[0]->x), 1e-12);
  EXPECT_TRUE(moved.people()[0].body[3]->x == pose.people()[0].body[3]->x);
  // Scale 1 is a plain move.
  const Pose shifted = transform_person(pose, 0, 1.0, 0.05, 0.0);
  EXPECT_NEAR(shifted.people()[0].face[3]->x, pose.people()[0].face[3]->x + 0.05, 1e-12);
  expect_error([&] { transform_person(pose, 0, 1.0, 3.0, 0.0); }, {"person 0", "leave the canvas"});
  expect_error([&] { transform_person(pose, 0, 0.0, 0.0, 0.0); }, {"scale"});
  expect_error([&] { transform_person(pose, 5, 1.0, 0.0, 0.0); }, {"person 5"});
}

TEST(PoseTools, FitToAnotherAspectCropsOrPads) {
  const PixelPose pixels = test::whole_body_pixels(320, 256);
  const Pose pose = test::to_pose(pixels);
  EXPECT_FALSE(same_aspect(320, 256, 512, 512));
  EXPECT_TRUE(same_aspect(320, 256, 640, 512));
  // Pad into 512x512: scale 1.6 (the width fills), bars of (512 - 256 * 1.6) / 2 = 51.2 px above and below.
  const FitResult pad = fit_to_size(pose, 512, 512, FitMode::Pad);
  EXPECT_EQ(pad.dropped, 0);
  EXPECT_EQ(pad.pose.canvas_width(), 512);
  const PixelPoint nose = pixels.people[0].body[0];
  EXPECT_NEAR(pad.pose.people()[0].body[0]->x, nose.x * 1.6 / 512, 1e-12);
  EXPECT_NEAR(pad.pose.people()[0].body[0]->y, (nose.y * 1.6 + 51.2) / 512, 1e-12);
  // Crop into 256x256: scale 1 (the height fills), 32 px cut off at each side: points there are dropped.
  const FitResult crop = fit_to_size(pose, 256, 256, FitMode::Crop);
  EXPECT_NEAR(crop.pose.people()[0].body[0]->x, (nose.x - 32) / 256, 1e-12);
  int outside = 0;
  for (const auto& person : pixels.people)
    for (const auto* part : {&person.body, &person.left_hand, &person.right_hand, &person.face})
      for (const PixelPoint& p : *part) outside += p.c > 0 && (p.x < 32 || p.x > 288);
  EXPECT_GT(outside, 0);
  EXPECT_EQ(crop.dropped, outside);
  // The control image at the new size draws the fitted pose without stretching it.
  EXPECT_EQ(render_control_image(pad.pose, 512, 512).pixels, draw_pose(pad.pose, 512, 512).pixels);
}
