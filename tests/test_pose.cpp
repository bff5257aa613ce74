// core/pose: body network parity, decoding, drawing, checkpoints, pose JSON, the detect command.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/io/image.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/pose/body_checkpoint.h"
#include "core/pose/body_decode.h"
#include "core/pose/body_maps.h"
#include "core/pose/body_net.h"
#include "core/pose/detect_command.h"
#include "core/pose/detector.h"
#include "core/pose/draw.h"
#include "core/pose/gaussian_filter.h"
#include "core/pose/pose.h"
#include "core/pose/pose_json.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/procedural_body_weights.h"

using namespace poseforge;
using poseforge::test::expect_error;
using namespace poseforge::pose;
using poseforge::test::fixture;
using poseforge::test::fixture_json;
using poseforge::test::TempDir;
using poseforge::test::write_bytes;

namespace {

using poseforge::test::procedural_body_weights;

BodyNet procedural_net() {
  BodyNet net;
  io::LoadOptions options;
  options.source = "procedural weights";
  io::load_state_dict(*net, procedural_body_weights(), options);
  net->eval();
  return net;
}

// The fixture decoding: stored network output at decode_input.png's size.
BodyDecoding fixture_decoding(int& width, int& height) {
  const io::Image image = io::read_image_rgb(fixture("openpose/decode_input.png"));
  width = image.width;
  height = image.height;
  io::SafetensorsFile f(fixture("openpose/decode_net_output.safetensors"));
  const BodyMaps maps = body_maps(f.tensor("paf"), f.tensor("heatmap"), body_scaled_size(width, height), width, height);
  return decode_body(maps);
}

}  // namespace

TEST(PoseNet, ModuleKeysMatchTheCheckpointTable) {
  const nlohmann::json keys = fixture_json("openpose/body_keys.json");
  BodyNet net;
  std::vector<std::string> names;
  for (const auto& p : net->named_parameters()) names.push_back(p.key());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, keys.at("module_keys_sorted").get<std::vector<std::string>>());
  std::vector<std::string> mapped;
  for (const auto& [key, shape] : keys.at("checkpoint_keys").items()) {
    mapped.push_back(body_module_key(key));
    EXPECT_EQ(net->named_parameters()[mapped.back()].sizes().vec(), shape.get<std::vector<int64_t>>()) << key;
  }
  std::sort(mapped.begin(), mapped.end());
  EXPECT_EQ(mapped, names);
  EXPECT_EQ(body_module_key("model0.conv1_1.weight"), "model0.conv1_1.weight");
}

TEST(PoseNet, ProceduralWeightsMatchReference) {
  io::SafetensorsFile f(fixture("openpose/net_expected.safetensors"));
  BodyNet net = procedural_net();
  torch::NoGradGuard no_grad;
  const auto [paf, heatmap] = net->forward(f.tensor("input").to(torch::kFloat32));
  for (const auto& [name, t] : {std::pair{"paf", paf}, std::pair{"heatmap", heatmap}}) {
    const test::ParityStats st = test::parity_stats(t, f.tensor(name).to(torch::kFloat32));
    std::printf("%s: max abs %.3g, rel %.3g (tolerance 1e-3)\n", name, st.max_abs, st.rel);
  }
  EXPECT_TRUE(test::check_close("paf", paf, f.tensor("paf").to(torch::kFloat32), 1e-3));
  EXPECT_TRUE(test::check_close("heatmap", heatmap, f.tensor("heatmap").to(torch::kFloat32), 1e-3));
  EXPECT_GE(heatmap.min().item<float>(), 0.0f);  // the final ReLU on the heatmap branch
}

TEST(PoseNet, LegacyAndZipCheckpointsLoadPartially) {
  const io::TensorMap legacy = io::load_tensors(fixture("openpose/legacy_sample.pth"));
  const io::TensorMap zip = io::load_tensors(fixture("openpose/zip_sample.pth"));
  ASSERT_EQ(legacy.size(), zip.size());
  for (const auto& [name, t] : legacy) {
    ASSERT_TRUE(zip.count(name)) << name;
    EXPECT_TRUE(torch::equal(t, zip.at(name))) << name;
  }
  const std::size_t total = procedural_body_weights().size();
  for (const char* file : {"openpose/legacy_sample.pth", "openpose/zip_sample.pth"}) {
    BodyNet net;
    const io::LoadReport report = load_body_weights(net, fixture(file), /*strict=*/false);
    EXPECT_EQ(report.loaded, legacy.size()) << file;
    EXPECT_EQ(report.missing.size(), total - legacy.size()) << file;
    EXPECT_TRUE(report.unexpected.empty()) << file;
    const auto params = net->named_parameters();
    for (const auto& [name, t] : legacy)
      EXPECT_TRUE(torch::equal(params[body_module_key(name)], t.to(torch::kFloat32))) << file << " " << name;
    // A strict load names what is missing.
    BodyNet strict_net;
    expect_error([&] { load_body_weights(strict_net, fixture(file), true); },
                 {"missing", std::to_string(total - legacy.size()) + " missing"});
  }
}

TEST(PoseNet, SafetensorsConversionInModuleOrCheckpointNames) {
  TempDir dir;
  io::TensorMap checkpoint_names;
  for (const auto& [name, t] : procedural_body_weights())
    checkpoint_names[name.substr(name.find('.') + 1)] = t.to(torch::kFloat16);
  io::write_safetensors(dir / "body.safetensors", checkpoint_names, {});
  BodyNet net = load_body_net(dir / "body.safetensors");
  EXPECT_EQ(net->parameters().front().scalar_type(), torch::kFloat32);
  io::TensorMap bad = checkpoint_names;
  bad["conv1_1.weight"] = torch::zeros({64, 3, 5, 5});
  io::write_safetensors(dir / "bad.safetensors", bad, {});
  expect_error([&] { load_body_net(dir / "bad.safetensors"); }, {"bad.safetensors", "model0.conv1_1.weight"});
}

TEST(PoseDecode, GaussianKernelAndFlatImage) {
  const std::vector<double> k = gaussian_kernel(3.0);
  EXPECT_EQ(k.size(), 25u);  // radius int(4 * 3 + 0.5) = 12
  double sum = 0;
  for (double v : k) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-15);
  EXPECT_EQ(k[0], k[24]);
  // 'reflect' keeps a constant image constant; a single bright pixel spreads symmetrically.
  std::vector<double> img(7 * 9, 2.0);
  for (double v : gaussian_filter(img, 7, 9, 3.0)) EXPECT_NEAR(v, 2.0, 1e-12);
  std::vector<double> dot(31 * 31, 0.0);
  dot[15 * 31 + 15] = 1.0;
  const std::vector<double> g = gaussian_filter(dot, 31, 31, 3.0);
  EXPECT_DOUBLE_EQ(g[15 * 31 + 15], k[12] * k[12]);
  EXPECT_DOUBLE_EQ(g[14 * 31 + 15], g[15 * 31 + 14]);
}

TEST(PoseDecode, CandidatesAndSubsetMatchReferenceExactly) {
  const nlohmann::json expected = fixture_json("openpose/decode_expected.json");
  int width = 0, height = 0;
  const BodyDecoding d = fixture_decoding(width, height);
  EXPECT_EQ(height, expected.at("image_size")[0].get<int>());
  EXPECT_EQ(width, expected.at("image_size")[1].get<int>());
  const auto& cand = expected.at("candidate");
  ASSERT_EQ(d.candidates.size(), cand.size());
  for (std::size_t i = 0; i < cand.size(); ++i) {
    EXPECT_EQ(d.candidates[i].x, cand[i][0].get<double>()) << "candidate " << i;
    EXPECT_EQ(d.candidates[i].y, cand[i][1].get<double>()) << "candidate " << i;
    EXPECT_EQ(d.candidates[i].score, cand[i][2].get<double>()) << "candidate " << i;
    EXPECT_EQ(d.candidates[i].id, cand[i][3].get<double>()) << "candidate " << i;
  }
  const auto& subset = expected.at("subset");
  ASSERT_EQ(d.subset.size(), subset.size());
  for (std::size_t p = 0; p < subset.size(); ++p) {
    for (int i = 0; i < 18; ++i) EXPECT_EQ(d.subset[p].parts[i], subset[p][i].get<double>()) << p << "/" << i;
    EXPECT_EQ(d.subset[p].score, subset[p][18].get<double>()) << "person " << p;
    EXPECT_EQ(d.subset[p].count, subset[p][19].get<double>()) << "person " << p;
  }
}

TEST(PoseDraw, DrawnPoseMatchesReference) {
  int width = 0, height = 0;
  const BodyDecoding decoding = fixture_decoding(width, height);
  const Pose pose = pose_from_decoding(decoding, width, height);
  const io::Image drawn = draw_pose(pose, width, height);
  const io::Image expected = io::read_image_rgb(fixture("openpose/decode_expected_pose.png"));
  ASSERT_EQ(drawn.width, expected.width);
  ASSERT_EQ(drawn.height, expected.height);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < drawn.pixels.size(); i += 3)
    differing += drawn.pixels[i] != expected.pixels[i] || drawn.pixels[i + 1] != expected.pixels[i + 1] ||
                 drawn.pixels[i + 2] != expected.pixels[i + 2];
  const std::size_t total = static_cast<std::size_t>(width) * height;
  std::printf("drawn pose: %zu of %zu pixels differ from the reference\n", differing, total);
  EXPECT_LE(static_cast<double>(differing), 0.005 * total);
}

TEST(PoseDetect, DetectJsonLoadDrawRoundTrip) {
  // The whole detector on a real image (procedural weights: whatever it finds must survive JSON).
  BodyDetector detector(procedural_net());
  const io::Image image = io::read_image_rgb(fixture("openpose/decode_input.png"));
  const Detection d = detector.detect(image);
  EXPECT_EQ(std::min(d.pose.canvas_height(), d.pose.canvas_width()),
            DetectOptions{}.detect_resolution);  // shortest side
  EXPECT_EQ(d.control.width, d.pose.canvas_width());
  // And the fixture's people, which are real.
  int width = 0, height = 0;
  const BodyDecoding decoding = fixture_decoding(width, height);
  const Pose pose = pose_from_decoding(decoding, width, height);
  ASSERT_EQ(pose.people().size(), fixture_json("openpose/decode_expected.json").at("subset").size());
  TempDir dir;
  for (const Pose* p : {&d.pose, &pose}) {
    save_pose_json(dir / "pose.json", *p);
    const Pose loaded = load_pose_json(dir / "pose.json");
    ASSERT_EQ(loaded.people().size(), p->people().size());
    const io::Image a = draw_pose(*p, p->canvas_width(), p->canvas_height());
    const io::Image b = draw_pose(loaded, loaded.canvas_width(), loaded.canvas_height());
    EXPECT_EQ(a.pixels, b.pixels);
    for (std::size_t i = 0; i < p->people().size(); ++i)
      for (int k = 0; k < kBodyKeypoints; ++k) {
        const auto& x = p->people()[i].body[k];
        const auto& y = loaded.people()[i].body[k];
        ASSERT_EQ(x.has_value(), y.has_value());
        if (x) {
          EXPECT_NEAR(x->x, y->x, 1e-12);
        }
      }
  }
  const nlohmann::json j = pose_to_json(pose);
  EXPECT_EQ(j.at("canvas_width").get<int>(), width);
  ASSERT_EQ(j.at("people").size(), pose.people().size());
  for (const auto& person : j.at("people")) EXPECT_EQ(person.at("pose_keypoints_2d").size(), 3u * kBodyKeypoints);
}

TEST(PoseModel, Editing) {
  Pose pose(100, 50);
  const std::size_t p = pose.add_person();
  pose.set_keypoint(p, 1, {0.5, 0.5, 1.0});
  pose.set_keypoint(p, 2, {0.25, 0.5, 1.0});
  pose.move_keypoint(p, 2, 0.3, 0.6);
  EXPECT_EQ(pose.person(p).body[2]->x, 0.3);
  EXPECT_EQ(pose.person(p).body_count(), 2);
  // One limb (neck - right shoulder) is drawn; deleting the joint removes it.
  const io::Image before = draw_pose(pose, 100, 50);
  pose.remove_keypoint(p, 2);
  const io::Image after = draw_pose(pose, 100, 50);
  EXPECT_NE(before.pixels, after.pixels);
  expect_error([&] { pose.move_keypoint(p, 2, 0.1, 0.1); }, {"right_shoulder"});
  expect_error([&] { pose.set_keypoint(p, 3, {1.5, 0.1, 1}); }, {"right_elbow", "outside"});
  expect_error([&] { pose.set_keypoint(p, 18, {0.5, 0.1, 1}); }, {"18"});
  expect_error([&] { pose.remove_person(3); }, {"person 3"});
  Person hands;
  hands.left_hand.resize(5);
  expect_error([&] { pose.add_person(hands); }, {"left hand", "21"});
  pose.remove_person(p);
  EXPECT_TRUE(pose.empty());
  const io::Image empty = draw_pose(pose, 8, 8);
  EXPECT_TRUE(std::all_of(empty.pixels.begin(), empty.pixels.end(), [](std::uint8_t v) { return v == 0; }));
}

TEST(PoseJson, HandsAndFaceRoundTrip) {
  Pose pose(64, 32);
  Person person;
  person.body[0] = Keypoint{0.5, 0.5, 0.9};
  person.left_hand.resize(kHandKeypoints);
  person.left_hand[3] = Keypoint{0.25, 0.75, 0.5};
  person.face.resize(kFaceKeypoints);
  pose.add_person(person);
  TempDir dir;
  save_pose_json(dir / "p.json", pose);
  const Pose loaded = load_pose_json(dir / "p.json");
  EXPECT_TRUE(loaded == pose);
  EXPECT_TRUE(loaded.people()[0].right_hand.empty());
}

TEST(PoseJson, MalformedInputsNameFilePersonAndKeypoint) {
  TempDir dir;
  const auto file = dir / "bad.json";
  auto load_text = [&](const std::string& text) {
    write_bytes(file, text);
    return load_pose_json(file);
  };
  std::string ok_body = "[";
  for (int i = 0; i < 18; ++i) ok_body += std::string(i ? "," : "") + "10,10,1";
  ok_body += "]";
  expect_error([&] { load_text("{\"people\": [ {"); }, {"bad.json", "not valid JSON"});
  expect_error([&] { load_text("[1,2]"); }, {"bad.json", "object"});
  expect_error([&] { load_text("{\"people\": [], \"canvas_width\": 10}"); }, {"bad.json", "canvas_height"});
  expect_error(
      [&] {
        load_text(
            "{\"people\": [{\"pose_keypoints_2d\": [1,2,3,4]}], \"canvas_width\": 10, "
            "\"canvas_height\": 10}");
      },
      {"bad.json", "person 0", "triples"});
  expect_error(
      [&] {
        load_text(
            "{\"people\": [{\"pose_keypoints_2d\": [1,2,3]}], \"canvas_width\": 10, "
            "\"canvas_height\": 10}");
      },
      {"bad.json", "person 0", "1 keypoints, expected 18"});
  std::string far = ok_body;
  far.replace(far.find("10,10,1", 8), 7, "99,10,1");  // keypoint 1 (neck)
  expect_error(
      [&] {
        load_text("{\"people\": [{}, {\"pose_keypoints_2d\": " + far +
                  "}], \"canvas_width\": 50, \"canvas_height\": 50}");
      },
      {"bad.json", "person 0", "pose_keypoints_2d"});
  expect_error(
      [&] {
        load_text("{\"people\": [{\"pose_keypoints_2d\": " + ok_body + "}, {\"pose_keypoints_2d\": " + far +
                  "}], \"canvas_width\": 50, \"canvas_height\": 50}");
      },
      {"bad.json", "person 1", "keypoint 1 (neck)", "outside the 50x50 canvas"});
  std::string text_value = ok_body;
  text_value.replace(1, 2, "\"a\"");
  expect_error(
      [&] {
        load_text("{\"people\": [{\"pose_keypoints_2d\": " + text_value +
                  "}], \"canvas_width\": 50, \"canvas_height\": 50}");
      },
      {"person 0", "keypoint 0 (nose)", "non-number"});
  // OpenPose's own files have no canvas size: the caller supplies it.
  write_bytes(file, "{\"version\": 1.3, \"people\": [{\"pose_keypoints_2d\": " + ok_body + "}]}");
  const Pose p = load_pose_json(file, 20, 40);
  EXPECT_EQ(p.people()[0].body[5]->y, 0.25);
  // Confidence 0 = missing, wherever its coordinates are.
  std::string missing = ok_body;
  missing.replace(1, 7, "-1,-1,0");
  EXPECT_FALSE(
      load_text("{\"people\": [{\"pose_keypoints_2d\": " + missing + "}], \"canvas_width\": 50, \"canvas_height\": 50}")
          .people()[0]
          .body[0]
          .has_value());
}

TEST(PoseCli, DetectWithoutModelExplainsTheDownload) {
  TempDir dir;
  testing::internal::CaptureStderr();
  const int code = run_detect_command({fixture("openpose/decode_input.png").string(), "--out",
                                       (dir / "pose.png").string(), "--models", dir.path().string()});
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 1);
  for (const char* part : {"body_pose_model.pth", "lllyasviel/Annotators", "huggingface.co", "--model"})
    EXPECT_NE(err.find(part), std::string::npos) << part << " not in: " << err;
  EXPECT_NE(err.find((dir / "openpose" / "body_pose_model.pth").string()), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "pose.png"));

  testing::internal::CaptureStderr();
  EXPECT_EQ(run_detect_command({"in.png", "--model", (dir / "none.pth").string(), "--out", "x.png"}), 1);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("none.pth"), std::string::npos);

  testing::internal::CaptureStderr();
  EXPECT_EQ(run_detect_command({"in.png"}), 2);
  EXPECT_EQ(run_detect_command({"in.png", "--out", "x.png", "--bogus"}), 2);
  EXPECT_EQ(run_detect_command({"in.png", "--out", "x.png", "--detect-resolution", "abc"}), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("usage"), std::string::npos);

  // Found in the lllyasviel/Annotators layout (a safetensors conversion under the .pth name works too).
  std::filesystem::create_directories(dir / "lllyasviel" / "Annotators");
  write_bytes(dir / "lllyasviel" / "Annotators" / "body_pose_model.pth", "x");
  EXPECT_EQ(find_body_model({}, dir.path()), dir / "lllyasviel" / "Annotators" / "body_pose_model.pth");
}

TEST(PoseCli, DetectWritesControlImageAndJson) {
  TempDir dir;
  std::filesystem::create_directories(dir / "models" / "openpose");
  // A safetensors conversion under the published name: the loader goes by content.
  io::write_safetensors(dir / "models" / "openpose" / "body_pose_model.pth", procedural_body_weights(), {});
  const int code =
      run_detect_command({fixture("openpose/decode_input.png").string(), "--out", (dir / "pose.png").string(), "--json",
                          (dir / "pose.json").string(), "--models", (dir / "models").string(), "--device", "cpu"});
  ASSERT_EQ(code, 0);
  const io::Image control = io::read_image_rgb(dir / "pose.png");
  const Pose pose = load_pose_json(dir / "pose.json");
  EXPECT_EQ(control.width, pose.canvas_width());
  // The shortest side goes to the detect resolution, whichever side that is in the fixture image.
  const io::Image input = io::read_image_rgb(fixture("openpose/decode_input.png"));
  EXPECT_EQ(std::min(control.width, control.height), DetectOptions{}.detect_resolution);
  EXPECT_EQ(control.width >= control.height, input.width >= input.height);
  EXPECT_EQ(control.pixels, render_control_image(pose, control.width, control.height).pixels);
}
