// poseforge-cli: demo models (write + load every part), request input decoding, pose adherence
// scores, and the built binary's commands (info, make-demo-models, generate: PNG metadata,
// determinism, bad requests and exit codes).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>

#include <torch/torch.h>

#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/io/image.h"
#include "core/io/png_io.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/demo_models.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/request_inputs.h"
#include "core/pose/body_checkpoint.h"
#include "core/pose/pose_adherence.h"
#include "core/presets/png_restore.h"
#include "core/pose/pose_json.h"
#include "core/text/clip_text_model.h"
#include "core/text/clip_tokenizer.h"
#include "core/vision/clip_vision_model.h"
#include "core/vision/ip_adapter.h"
#include "support/cli_run.h"
#include "support/fixtures.h"
#include "support/png_chunks.h"
#include "support/single_file_configs.h"

namespace fs = std::filesystem;
using namespace poseforge;

namespace {

// ---- helpers ---------------------------------------------------------------------------------

using test::CliRun;

// Runs the built poseforge-cli with `args`, stdout/stderr captured through files in `dir`.
CliRun run_cli(const std::vector<std::string>& args, const fs::path& dir) {
  return test::run_binary(POSEFORGE_CLI, args, dir);
}

io::Image gradient_image(int w, int h) {
  io::Image img;
  img.width = w, img.height = h, img.channels = 3;
  img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) img.row(y)[x * 3 + c] = static_cast<std::uint8_t>((x * 7 + y * 3 + c * 50) % 256);
  return img;
}

// One person, normalised coordinates given in pixels of a w x h canvas.
pose::Pose person_pose(int w, int h, const std::vector<std::tuple<int, double, double>>& keypoints) {
  pose::Pose p(w, h);
  const auto i = p.add_person();
  for (const auto& [k, x, y] : keypoints) p.set_keypoint(i, k, {x / w, y / h, 1.0});
  return p;
}

void add_person(pose::Pose& p, const std::vector<std::tuple<int, double, double>>& keypoints) {
  const auto i = p.add_person();
  for (const auto& [k, x, y] : keypoints) p.set_keypoint(i, k, {x / p.canvas_width(), y / p.canvas_height(), 1.0});
}

// The demo set, written once by the binary for the whole suite.
class DemoModels : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    const CliRun r = run_cli({"make-demo-models", (dir_->path() / "models").string(), "--seed", "3"}, dir_->path());
    make_code_ = r.code;
    make_output_ = r.out + r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  void SetUp() override { ASSERT_EQ(make_code_, 0) << make_output_; }

  static fs::path models() { return dir_->path() / "models"; }

  static std::unique_ptr<test::TempDir> dir_;
  static int make_code_;
  static std::string make_output_;
};
std::unique_ptr<test::TempDir> DemoModels::dir_;
int DemoModels::make_code_ = -1;
std::string DemoModels::make_output_;

}  // namespace

// ---- pose adherence (hand-built poses, exact scores) ------------------------------------------

TEST(PoseAdherence, IdenticalPoseScoresOne) {
  const auto p = person_pose(300, 400, {{0, 150, 50}, {1, 150, 100}, {2, 120, 100}, {5, 180, 100}});
  const auto a = pose::score_pose_adherence(p, p, 300, 400);
  EXPECT_TRUE(a.checked);
  EXPECT_DOUBLE_EQ(a.score, 1.0);
  ASSERT_EQ(a.people.size(), 1u);
  EXPECT_EQ(a.people[0].found, 4);
  EXPECT_EQ(a.people[0].detected, 0);
  EXPECT_FALSE(a.low());
}

TEST(PoseAdherence, RadiusIsFivePercentOfTheDiagonal) {
  // 300 x 400: diagonal 500, radius 25 px. Offsets 24 (in), 25 (in, inclusive), 26 (out), missing (out).
  const auto want = person_pose(300, 400, {{0, 100, 100}, {1, 100, 200}, {2, 100, 300}, {3, 200, 100}});
  const auto got = person_pose(300, 400, {{0, 124, 100}, {1, 100, 225}, {2, 126, 300}});
  const auto a = pose::score_pose_adherence(want, got, 300, 400);
  ASSERT_EQ(a.people.size(), 1u);
  EXPECT_EQ(a.people[0].keypoints, 4);
  EXPECT_EQ(a.people[0].found, 2);
  EXPECT_DOUBLE_EQ(a.score, 0.5);
}

TEST(PoseAdherence, PeopleAreMatchedOneToOneAndMissingPeopleScoreZero) {
  pose::Pose want(200, 200);
  add_person(want, {{0, 20, 20}, {1, 20, 40}});
  add_person(want, {{0, 150, 20}, {1, 150, 40}, {2, 130, 40}, {5, 170, 40}});
  pose::Pose got(200, 200);  // only the second person, found with 3 of 4 keypoints
  add_person(got, {{0, 150, 20}, {1, 150, 40}, {2, 130, 40}, {5, 190, 90}});
  const auto a = pose::score_pose_adherence(want, got, 200, 200);
  ASSERT_EQ(a.people.size(), 2u);
  EXPECT_EQ(a.people[0].detected, -1);
  EXPECT_EQ(a.people[0].found, 0);
  EXPECT_EQ(a.people[1].detected, 0);
  EXPECT_EQ(a.people[1].found, 3);
  EXPECT_DOUBLE_EQ(a.score, (0.0 + 0.75) / 2);
  EXPECT_TRUE(a.low());

  // The detector's order does not matter: swapped people are matched back.
  pose::Pose swapped(200, 200);
  add_person(swapped, {{0, 150, 20}, {1, 150, 40}, {2, 130, 40}, {5, 170, 40}});
  add_person(swapped, {{0, 20, 20}, {1, 20, 40}});
  const auto b = pose::score_pose_adherence(want, swapped, 200, 200);
  EXPECT_DOUBLE_EQ(b.score, 1.0);
  EXPECT_EQ(b.people[0].detected, 1);
  EXPECT_EQ(b.people[1].detected, 0);
}

TEST(PoseAdherence, LowScoreNamesTheSettingsThatHelp) {
  const auto want = person_pose(100, 100, {{0, 10, 10}, {1, 10, 30}});
  const pose::Pose nobody(100, 100);
  pose::AdherenceSettings s;
  s.controlnet_scale = 0.5;
  s.ip_adapter_scale = 0.9;
  s.image_prompts = true;
  s.control_end = 0.6;
  const auto a = pose::score_pose_adherence(want, nobody, 100, 100, s);
  EXPECT_DOUBLE_EQ(a.score, 0.0);
  EXPECT_NE(a.message.find("raise the ControlNet scale (now 0.5"), std::string::npos) << a.message;
  EXPECT_NE(a.message.find("lower the IP-Adapter scale (now 0.9"), std::string::npos) << a.message;
  EXPECT_NE(a.message.find("widen control start/end (now 0-0.6"), std::string::npos) << a.message;
  // Without image prompts the IP-Adapter is not blamed.
  s.image_prompts = false;
  EXPECT_EQ(pose::adherence_advice(s).find("IP-Adapter"), std::string::npos);
  // An empty requested pose is not checked.
  const auto none = pose::score_pose_adherence(nobody, want, 100, 100);
  EXPECT_FALSE(none.checked);
  EXPECT_TRUE(none.people.empty());
}

// ---- base64 and request inputs ----------------------------------------------------------------

TEST(Base64, KnownVectorsAndRoundTrip) {
  const std::string man = "Man";
  EXPECT_EQ(pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(man.data()), 3), "TWFu");
  EXPECT_EQ(pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(man.data()), 2), "TWE=");
  EXPECT_EQ(pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(man.data()), 1), "TQ==");
  EXPECT_FALSE(pipeline::base64_decode("TQ==TQ=="));  // data after padding
  const auto ok = pipeline::base64_decode("TWFu\nTWE=");
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::string(ok->begin(), ok->end()), "ManMa");
  EXPECT_FALSE(pipeline::base64_decode("TW*u"));
  EXPECT_FALSE(pipeline::inline_base64_payload("pose.png"));
  EXPECT_EQ(*pipeline::inline_base64_payload("data:image/png;base64,QUJD"), "QUJD");
}

TEST(RequestInputs, ImagesFromFilesDataUrlsAndRawBase64) {
  test::TempDir dir;
  const io::Image img = gradient_image(20, 12);
  io::write_png(dir / "a.png", img);
  const std::string bytes = test::read_bytes(dir / "a.png");
  const std::string b64 = pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  for (const std::string& source : {(dir / "a.png").string(), "data:image/png;base64," + b64, b64}) {
    const io::Image got = pipeline::read_request_image(source, "ip_image 1");
    EXPECT_EQ(got.width, 20);
    EXPECT_EQ(got.height, 12);
    EXPECT_EQ(got.pixels, img.pixels);
  }
  try {
    pipeline::read_request_image((dir / "missing.png").string(), "ip_image 2");
    FAIL() << "no error for a missing file";
  } catch (const pipeline::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ip_image 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing.png"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pipeline::read_request_image("data:image/png;base64,AAAA", "input_image"), pipeline::InputError);
}

TEST(RequestInputs, PoseJsonBecomesTheControlImageAndImagePromptsKeepTheirWeights) {
  test::TempDir dir;
  pose::save_pose_json(dir / "pose.json", person_pose(96, 64, {{1, 48, 20}, {2, 30, 20}, {3, 25, 40}}));
  io::write_png(dir / "ip.png", gradient_image(16, 16));
  pipeline::Request r;
  r.pose_json = (dir / "pose.json").string();
  r.image_prompts = {{(dir / "ip.png").string(), 0.25}};
  r.width = 192, r.height = 128;
  const auto d = pipeline::decode_request_inputs(r, {});
  EXPECT_EQ(d.pose.people().size(), 1u);
  EXPECT_EQ(d.inputs.control_image.width, 96);  // the canvas size; the engine resizes
  EXPECT_EQ(d.inputs.control_image.height, 64);
  bool drawn = false;
  for (auto v : d.inputs.control_image.pixels) drawn = drawn || v != 0;
  EXPECT_TRUE(drawn);
  ASSERT_EQ(d.inputs.image_prompts.size(), 1u);
  EXPECT_DOUBLE_EQ(d.inputs.image_prompts[0].weight, 0.25);

  r.pose_json = (dir / "nope.json").string();
  try {
    pipeline::decode_request_inputs(r, {});
    FAIL() << "no error for a missing pose JSON";
  } catch (const pipeline::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.json"), std::string::npos) << e.what();
  }
}

// ---- demo models ------------------------------------------------------------------------------

TEST_F(DemoModels, LayoutIsCompleteAndEveryComponentLoads) {
  const auto paths = pipeline::ModelPaths::discover(models());
  EXPECT_TRUE(paths.problems().empty()) << ::testing::PrintToString(paths.problems());
  EXPECT_TRUE(pipeline::is_demo_model_set(paths));
  EXPECT_EQ(paths.openpose.filename(), "body_pose_model.safetensors");

  const torch::Device cpu(torch::kCPU);
  auto unet = diffusion::load_unet(paths.sdxl / "unet", cpu, torch::kFloat32);
  diffusion::load_controlnet(paths.controlnet, cpu, torch::kFloat32);
  diffusion::load_autoencoder_kl(paths.sdxl / "vae", cpu, torch::kFloat32);
  auto te = text::load_clip_text_model(paths.sdxl / "text_encoder");
  auto te2 = text::load_clip_text_model(paths.sdxl / "text_encoder_2");
  EXPECT_TRUE(te2->config().with_projection);
  const text::ClipTokenizer tok(paths.sdxl / "tokenizer"), tok2(paths.sdxl / "tokenizer_2");
  const auto ids = tok.encode("the dancer, 42!");
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids.front(), tok.bos_id());
  EXPECT_EQ(tok2.pad_id(), 0);  // "!" is the first byte symbol
  EXPECT_LT(tok.vocab_size(), 1000u);
  torch::NoGradGuard no_grad;
  const auto out = te->forward(torch::tensor(ids).unsqueeze(0));
  EXPECT_EQ(out.last_hidden_state.size(1), 77);
  vision::load_clip_vision_model(paths.image_encoder);
  const auto adapter = vision::load_ip_adapter(paths.ip_adapter);
  EXPECT_EQ(adapter.variant(), vision::IpAdapterVariant::Basic);
  unet->set_ip_adapter(adapter.attention_weights());  // one pair per cross-attention layer
  EXPECT_TRUE(unet->has_ip_adapter());
  pose::load_body_net(paths.openpose);
}

TEST_F(DemoModels, SameSeedSameFilesOtherSeedOtherWeights) {
  test::TempDir a, b;
  pipeline::write_demo_diffusion_models(a.path(), 3);
  pipeline::write_demo_diffusion_models(b.path(), 4);
  const fs::path unet = fs::path("sdxl") / "unet" / "diffusion_pytorch_model.safetensors";
  for (const fs::path& file : {unet, fs::path("sdxl") / "vae" / "diffusion_pytorch_model.safetensors",
                               fs::path("controlnet-openpose") / "diffusion_pytorch_model.safetensors",
                               fs::path("sdxl") / "text_encoder" / "model.safetensors",
                               fs::path("ip-adapter") / "sdxl_models" / "ip-adapter_sdxl_vit-h.safetensors"}) {
    EXPECT_TRUE(test::read_bytes(a.path() / file) == test::read_bytes(models() / file))
        << file << " differs for one seed";
  }
  EXPECT_FALSE(test::read_bytes(b.path() / unet) == test::read_bytes(models() / unet)) << "another seed, the same UNet";
}

// ---- the binary: info -------------------------------------------------------------------------

TEST(CliInfo, ListsWhatIsMissingInAnEmptyFolder) {
  test::TempDir dir;
  fs::create_directories(dir / "empty");
  const CliRun r = run_cli({"info", "--models", (dir / "empty").string()}, dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("libtorch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SDXL: no diffusers folder found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OpenPose: body_pose_model.pth not found"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli({"info", "--bogus"}, dir.path()).code, 2);
  const CliRun make = run_cli({"make-demo-models"}, dir.path());
  EXPECT_EQ(make.code, 2);
  EXPECT_NE(make.err.find("the target folder DIR is missing"), std::string::npos) << make.err;
  EXPECT_EQ(run_cli({"no-such-command"}, dir.path()).code, 2);
}

TEST_F(DemoModels, InfoFindsEverythingAndSaysDemo) {
  test::TempDir dir;
  const CliRun r = run_cli({"info", "--models", models().string()}, dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("all models found"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DEMO"), std::string::npos) << r.out;
}

// ---- the binary: generate, bad requests -------------------------------------------------------

TEST_F(DemoModels, BadRequestsExitWithCodeTwoAndSayWhy) {
  test::TempDir dir;
  pose::save_pose_json(dir / "pose.json", person_pose(64, 64, {{1, 32, 20}, {2, 20, 20}}));
  test::write_bytes(dir / "broken.png", "not an image");
  const std::vector<std::string> base = {
      "generate", "--models", models().string(),       "--width", "64", "--height", "64", "--steps",
      "2",        "--out",    (dir / "x.png").string()};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_cli(a, dir.path());
  };
  const struct {
    std::vector<std::string> extra;
    std::string expected;
  } cases[] = {
      {{}, "no pose"},
      {{"--input-image", (dir / "missing.png").string()}, "missing.png"},
      {{"--pose-json", (dir / "pose.json").string(), "--ip-image", (dir / "broken.png").string()}, "broken.png"},
      {{"--pose-json", (dir / "pose.json").string(), "--steps", "0"}, "num_inference_steps is 0"},
      {{"--pose-json", (dir / "pose.json").string(), "--scheduler", "Warp Drive"}, "unknown scheduler 'Warp Drive'"},
      {{"--pose-json", (dir / "pose.json").string(), "--schedule", "Sideways"}, "unknown schedule 'Sideways'"},
      {{"--pose-json", (dir / "pose.json").string(), "--width", "100"}, "width is 100, expected a multiple of 8"},
      {{"--pose-json", (dir / "pose.json").string(), "--bogus"}, "unknown option '--bogus'"},
      {{"--pose-json", (dir / "pose.json").string(), "--steps", "many"}, "--steps needs a whole number"},
      {{"--request", (dir / "nothing.json").string()}, "nothing.json"},
  };
  for (const auto& c : cases) {
    const CliRun r = with(c.extra);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(c.extra) << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << "expected '" << c.expected << "' in:\n" << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.png"));
  }
  // Missing models are named before anything runs.
  fs::create_directories(dir / "empty");
  const CliRun r = run_cli(
      {"generate", "--models", (dir / "empty").string(), "--pose-json", (dir / "pose.json").string()}, dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("SDXL: no diffusers folder found"), std::string::npos) << r.err;
}

// ---- the binary: generate on the demo models --------------------------------------------------

namespace {

struct Generated {
  CliRun run;
  io::Image image;
  std::map<std::string, std::string> text;
};

// The generate arguments of the demo runs (a one-person pose JSON and an image prompt written to `dir`).
std::vector<std::string> demo_generate_args(const fs::path& models, const fs::path& dir, const std::string& out_name) {
  if (!fs::exists(dir / "pose.json")) {
    pose::save_pose_json(
        dir / "pose.json",
        person_pose(64, 64, {{0, 32, 10}, {1, 32, 20}, {2, 22, 20}, {5, 42, 20}, {8, 26, 40}, {11, 38, 40}}));
    io::write_png(dir / "ip.png", gradient_image(40, 40));
  }
  return {"generate",
          "--models",
          models.string(),
          "--pose-json",
          (dir / "pose.json").string(),
          "--ip-image",
          (dir / "ip.png").string() + ":0.8",
          "--prompt",
          "a dancer on a stage",
          "--negative-prompt",
          "blurry",
          "--scheduler",
          "Euler",
          "--steps",
          "3",
          "--seed",
          "1234",
          "--width",
          "64",
          "--height",
          "64",
          "--device",
          "cpu",
          "--out",
          (dir / out_name).string()};
}

Generated generate_demo(const fs::path& models, const fs::path& dir, const std::string& out_name,
                        std::vector<std::string> extra) {
  std::vector<std::string> args = demo_generate_args(models, dir, out_name);
  args.insert(args.end(), extra.begin(), extra.end());
  Generated g;
  g.run = run_cli(args, dir);
  if (g.run.code == 0 && fs::exists(dir / out_name)) {
    g.image = io::read_image_rgb(dir / out_name);
    g.text = io::read_png_text(dir / out_name);
  }
  return g;
}

}  // namespace

TEST_F(DemoModels, GenerateWritesPngWithParametersAndIsDeterministic) {
  test::TempDir dir;
  const Generated a = generate_demo(models(), dir.path(), "a.png", {"--no-check-pose"});
  ASSERT_EQ(a.run.code, 0) << a.run.err;
  EXPECT_EQ(a.image.width, 64);
  EXPECT_EQ(a.image.height, 64);
  EXPECT_NE(a.run.err.find("DEMO models"), std::string::npos) << a.run.err;
  EXPECT_NE(a.run.err.find("step 3/3"), std::string::npos) << a.run.err;

  ASSERT_TRUE(a.text.count("parameters"));
  const std::string& params = a.text.at("parameters");
  EXPECT_EQ(params.rfind("a dancer on a stage\n", 0), 0u) << params;
  EXPECT_NE(params.find("Negative prompt: blurry"), std::string::npos) << params;
  EXPECT_NE(params.find("Steps: 3, Sampler: Euler"), std::string::npos) << params;
  EXPECT_NE(params.find("Seed: 1234"), std::string::npos) << params;
  ASSERT_TRUE(a.text.count("poseforge"));
  const auto meta = nlohmann::json::parse(a.text.at("poseforge"));
  EXPECT_EQ(meta.at("num_inference_steps"), 3);
  EXPECT_EQ(meta.at("seed"), 1234);
  EXPECT_EQ(meta.at("prompt"), "a dancer on a stage");
  EXPECT_EQ(meta.at("ip_image").at(0).at("weight"), 0.8);
  EXPECT_EQ(nlohmann::json::parse(a.text.at("poseforge_run")).at("demo_models"), true);
  // The "poseforge" chunk is a request the app restores as it is (no run annotations in it).
  const auto restored = presets::restore_from_png(dir / "a.png");
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->report.tool, "PoseForge");
  EXPECT_EQ(restored->request.seed, 1234);
  EXPECT_EQ(restored->request.prompt, "a dancer on a stage");

  const auto summary = nlohmann::json::parse(a.run.out);
  EXPECT_EQ(summary.at("files").at(0), (dir / "a.png").string());
  EXPECT_EQ(summary.at("seeds").at(0), 1234);

  const Generated b = generate_demo(models(), dir.path(), "b.png", {"--no-check-pose"});
  ASSERT_EQ(b.run.code, 0) << b.run.err;
  EXPECT_EQ(a.image.pixels, b.image.pixels);
  const Generated c = generate_demo(models(), dir.path(), "c.png", {"--no-check-pose", "--seed", "99"});
  ASSERT_EQ(c.run.code, 0) << c.run.err;
  EXPECT_NE(a.image.pixels, c.image.pixels);
}

// --schedule reaches the sampler (other pixels) and the PNG (A1111 text and our chunk); LCM runs on it.
TEST_F(DemoModels, GenerateWithAScheduleRecordsIt) {
  test::TempDir dir;
  const Generated automatic = generate_demo(models(), dir.path(), "auto.png", {"--no-check-pose"});
  ASSERT_EQ(automatic.run.code, 0) << automatic.run.err;
  const Generated sgm =
      generate_demo(models(), dir.path(), "sgm.png", {"--no-check-pose", "--schedule", "SGM Uniform"});
  ASSERT_EQ(sgm.run.code, 0) << sgm.run.err;
  EXPECT_NE(sgm.image.pixels, automatic.image.pixels);
  EXPECT_NE(sgm.text.at("parameters").find("Schedule type: SGM Uniform"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(sgm.text.at("poseforge")).at("schedule"), "SGM Uniform");
  const Generated lcm =
      generate_demo(models(), dir.path(), "lcm.png",
                    {"--no-check-pose", "--scheduler", "LCM", "--schedule", "sgm_uniform", "--guidance", "1"});
  ASSERT_EQ(lcm.run.code, 0) << lcm.run.err;
  EXPECT_NE(lcm.text.at("parameters").find("Sampler: LCM"), std::string::npos);
}

TEST_F(DemoModels, GenerateScoresPoseAdherenceAndAnswersBase64) {
  test::TempDir dir;
  const Generated g = generate_demo(models(), dir.path(), "p.png", {"--check-pose", "--base64", "--samples", "2"});
  ASSERT_EQ(g.run.code, 0) << g.run.err;
  const auto summary = nlohmann::json::parse(g.run.out);
  ASSERT_EQ(summary.at("files").size(), 2u);
  EXPECT_EQ(summary.at("files").at(0), (dir / "p-1.png").string());
  ASSERT_EQ(summary.at("pose_adherence").size(), 2u);
  EXPECT_TRUE(summary.at("pose_adherence").at(0).at("checked").get<bool>());
  ASSERT_EQ(summary.at("images").size(), 2u);
  const auto png = pipeline::base64_decode(summary.at("images").at(1).get<std::string>());
  ASSERT_TRUE(png);
  EXPECT_EQ(std::string(png->begin(), png->end()), test::read_bytes(dir / "p-2.png"));
  const auto run = nlohmann::json::parse(io::read_png_text(dir / "p-1.png").at("poseforge_run"));
  EXPECT_TRUE(run.contains("pose_adherence"));
  EXPECT_EQ(run.at("sample"), 1);
  EXPECT_NE(g.run.err.find("pose adherence"), std::string::npos) << g.run.err;
}

TEST_F(DemoModels, InterruptCancelsWithExitCodeOne) {
  test::TempDir dir;
  auto args = demo_generate_args(models(), dir.path(), "never.png");
  args.insert(args.end(), {"--steps", "1000", "--no-check-pose"});
  const fs::path err = dir / "stderr.txt";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen(err.c_str(), "w", stderr);
    std::vector<char*> argv = {const_cast<char*>(POSEFORGE_CLI)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(POSEFORGE_CLI, argv.data());
    _exit(127);
  }
  // Interrupt once the loop runs (the first steps are reported).
  std::string log;
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 1200 && log.find("step 2/1000") == std::string::npos; ++i) {
    usleep(100 * 1000);
    log = test::read_bytes(err);
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  if (!exited) {
    kill(pid, SIGINT);
    waitpid(pid, &status, 0);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log = test::read_bytes(err);
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 1) << log;
  EXPECT_NE(log.find("cancelled"), std::string::npos) << log;
  EXPECT_LT(seconds, 10.0);
  EXPECT_FALSE(fs::exists(dir / "never.png"));
}

TEST_F(DemoModels, RequestFileWithSegmindKeysInlineBase64AndFlagOverrides) {
  test::TempDir dir;
  demo_generate_args(models(), dir.path(), "unused.png");  // writes pose.json and ip.png
  const std::string png = test::read_bytes(dir / "ip.png");
  const nlohmann::json request = {
      {"pose_json", "pose.json"},  // relative to the request file
      {"ip_image", pipeline::base64_encode(reinterpret_cast<const std::uint8_t*>(png.data()), png.size())},
      {"prompt", "a dancer"},
      {"num_inference_steps", 2},
      {"seed", 11},
      {"scheduler", "euler"},
      {"width", 64},
      {"height", 64},
      {"ip_adapter_scale", 0.5}};
  fs::create_directories(dir / "req");
  fs::rename(dir / "pose.json", dir / "req" / "pose.json");
  test::write_bytes(dir / "req" / "request.json", request.dump());
  const CliRun r =
      run_cli({"generate", "--request", (dir / "req" / "request.json").string(), "--models", models().string(),
               "--steps", "3", "--device", "cpu", "--no-check-pose", "--out", (dir / "r.png").string()},
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto params = io::read_png_text(dir / "r.png").at("parameters");
  EXPECT_NE(params.find("Steps: 3"), std::string::npos) << params;  // the flag wins over the file
  EXPECT_NE(params.find("Seed: 11"), std::string::npos) << params;
  EXPECT_NE(params.find("IP-Adapter scale: 0.5"), std::string::npos) << params;
}

TEST_F(DemoModels, ImagePromptFlagsSetTheirPromptAndReachThePng) {
  test::TempDir dir;
  const Generated plain = generate_demo(models(), dir.path(), "plain.png", {"--no-check-pose"});
  ASSERT_EQ(plain.run.code, 0) << plain.run.err;
  io::write_png(dir / "mask.png", gradient_image(40, 40));
  const Generated g =
      generate_demo(models(), dir.path(), "typed.png",
                    {"--no-check-pose", "--ip-type", "Style transfer", "--ip-start", "0.25", "--ip-mask",
                     (dir / "mask.png").string(), "--ip-negative-image", (dir / "ip.png").string()});
  ASSERT_EQ(g.run.code, 0) << g.run.err;
  EXPECT_NE(g.image.pixels, plain.image.pixels);
  const auto meta = nlohmann::json::parse(g.text.at("poseforge"));
  const auto& entry = meta.at("ip_image").at(0);
  EXPECT_EQ(entry.at("type"), "style");
  EXPECT_EQ(entry.at("start"), 0.25);
  EXPECT_EQ(entry.at("weight"), 0.8);
  EXPECT_EQ(entry.at("mask"), (dir / "mask.png").string());
  EXPECT_EQ(meta.at("ip_negative_image"), (dir / "ip.png").string());
  const auto& params = g.text.at("parameters");
  EXPECT_NE(params.find("IP-Adapter 1: style 0.8 (0.25-1) masked"), std::string::npos) << params;
  // a per-prompt flag needs an --ip-image before it
  const CliRun bad =
      run_cli({"generate", "--ip-type", "style", "--pose-json", (dir / "pose.json").string()}, dir.path());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--ip-type applies to the --ip-image before it"), std::string::npos) << bad.err;
}

TEST_F(DemoModels, RequestFromPngTakesA1111SettingsAndSaysWhatWasNot) {
  test::TempDir dir;
  demo_generate_args(models(), dir.path(), "unused.png");  // writes pose.json
  test::write_png_with_text(dir / "a1111.png", 16, 16,
                            {{"parameters",
                              "a red fox <lora:detail:0.6>\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, "
                              "CFG scale: 4.5, Seed: 4242, Size: 832x1216, Model: sd_xl_base_1.0"}});
  const CliRun r =
      run_cli({"generate", "--request-from-png", (dir / "a1111.png").string(), "--pose-json",
               (dir / "pose.json").string(), "--models", models().string(), "--width", "64", "--height", "64",
               "--steps", "2", "--device", "cpu", "--no-check-pose", "--out", (dir / "r.png").string()},
              dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* part : {"Restored from A1111/Forge", "prompt", "seed 4242", "not restored", "Model: sd_xl_base_1.0",
                           "LoRA detail (0.6)"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << " not in:\n" << r.err;
  const auto ran = nlohmann::json::parse(io::read_png_text(dir / "r.png").at("poseforge"));
  EXPECT_EQ(ran.at("prompt"), "a red fox");
  EXPECT_EQ(ran.at("negative_prompt"), "blurry");
  EXPECT_EQ(ran.at("seed"), 4242);
  EXPECT_EQ(ran.at("scheduler"), "Euler a");
  EXPECT_EQ(ran.at("guidance_scale"), 4.5);
  EXPECT_EQ(ran.at("num_inference_steps"), 2);  // the flags win over the PNG
  EXPECT_EQ(ran.at("width"), 64);

  test::write_png_with_text(dir / "plain.png", 8, 8, {{"Software", "GIMP"}});
  const CliRun none =
      run_cli({"generate", "--request-from-png", (dir / "plain.png").string(), "--pose-json",
               (dir / "pose.json").string(), "--models", models().string(), "--out", (dir / "n.png").string()},
              dir.path());
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("plain.png' holds no generation settings"), std::string::npos) << none.err;
  // A ComfyUI POSE_KEYPOINT list: --pose-frame picks a frame; one that is not there is a bad request.
  const nlohmann::json frame = nlohmann::json::parse(test::read_bytes(dir / "pose.json"));
  test::write_bytes(dir / "frames.json", nlohmann::json{frame, frame}.dump());
  const CliRun bad_frame = run_cli({"generate", "--pose-json", (dir / "frames.json").string(), "--pose-frame", "2",
                                    "--models", models().string(), "--width", "64", "--height", "64", "--steps", "1",
                                    "--device", "cpu", "--no-check-pose", "--out", (dir / "f.png").string()},
                                   dir.path());
  EXPECT_EQ(bad_frame.code, 2);
  EXPECT_NE(bad_frame.err.find("2 frame(s)"), std::string::npos) << bad_frame.err;
}

// ---- the binary: generate from a single-file checkpoint with LoRAs (fixture models) ------------

TEST(CliSingleFile, CheckpointTwoLorasAndScheduleRecordedInThePngAndRestored) {
  test::TempDir dir;
  const fs::path models = dir / "models";
  fs::create_directories(models / "checkpoints");
  fs::copy_file(test::fixture("formats/single_file/sdxl_tiny.safetensors"),
                models / "checkpoints" / "sdxl_tiny.safetensors");
  test::write_single_file_configs(models / "checkpoints" / "sdxl_tiny");  // the tiny model's configs beside it
  fs::copy(test::fixture("unet/controlnet"), models / "controlnet-openpose", fs::copy_options::recursive);
  fs::create_directories(models / "loras");
  for (const char* f : {"lora_kohya.safetensors", "lora_diffusers.safetensors"}) {
    fs::copy_file(test::fixture(std::string("formats/lora/") + f), models / "loras" / f);
  }
  pose::save_pose_json(dir / "pose.json", person_pose(64, 64, {{0, 32, 10}, {1, 32, 20}, {2, 22, 20}, {5, 42, 20}}));
  const std::vector<std::string> base = {"generate",
                                         "--models",
                                         models.string(),
                                         "--pose-json",
                                         (dir / "pose.json").string(),
                                         "--prompt",
                                         "a dancer",
                                         "--steps",
                                         "3",
                                         "--seed",
                                         "7",
                                         "--width",
                                         "64",
                                         "--height",
                                         "64",
                                         "--device",
                                         "cpu",
                                         "--no-check-pose",
                                         "--scheduler",
                                         "Euler",
                                         "--schedule",
                                         "SGM Uniform"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const CliRun a = run_cli(with({"--checkpoint", "sdxl_tiny", "--lora", "lora_kohya:0.5", "--lora",
                                 "lora_diffusers.safetensors:0.25", "--out", (dir / "a.png").string()}),
                           dir.path());
  ASSERT_EQ(a.code, 0) << a.err;
  const auto text = io::read_png_text(dir / "a.png");
  const std::string& params = text.at("parameters");
  EXPECT_NE(params.find("Model: sdxl_tiny"), std::string::npos) << params;
  EXPECT_NE(params.find("Lora: lora_kohya:0.5 lora_diffusers:0.25"), std::string::npos) << params;
  nlohmann::json meta = nlohmann::json::parse(text.at("poseforge"));
  EXPECT_NE(params.find("Schedule type: SGM Uniform"), std::string::npos) << params;
  EXPECT_EQ(meta.at("schedule"), "SGM Uniform");
  EXPECT_EQ(meta.at("checkpoint"), "sdxl_tiny");
  EXPECT_EQ(meta.at("loras"), (nlohmann::json::array({{{"path", "lora_kohya"}, {"weight", 0.5}},
                                                      {{"path", "lora_diffusers.safetensors"}, {"weight", 0.25}}})));
  // restored: the chunk as a request gives the same picture; without the LoRAs another one
  const auto restored = pipeline::Request::from_json(meta);
  ASSERT_EQ(restored.loras.size(), 2u);
  EXPECT_EQ(restored.loras[1], (pipeline::LoraRequest{"lora_diffusers.safetensors", 0.25}));
  EXPECT_EQ(restored.checkpoint, "sdxl_tiny");
  EXPECT_EQ(restored.schedule, "SGM Uniform");
  test::write_bytes(dir / "restored.json", meta.dump());
  const CliRun b = run_cli({"generate", "--request", (dir / "restored.json").string(), "--models", models.string(),
                            "--device", "cpu", "--no-check-pose", "--out", (dir / "b.png").string()},
                           dir.path());
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(io::read_image_rgb(dir / "a.png").pixels, io::read_image_rgb(dir / "b.png").pixels);
  const CliRun c = run_cli(with({"--out", (dir / "c.png").string()}), dir.path());  // first checkpoint, no LoRA
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(io::read_image_rgb(dir / "a.png").pixels, io::read_image_rgb(dir / "c.png").pixels);
  // a LoRA that is not there: a bad request naming it and the folder
  const CliRun d = run_cli(with({"--lora", "missing:1", "--out", (dir / "d.png").string()}), dir.path());
  EXPECT_EQ(d.code, 2);
  EXPECT_NE(d.err.find("LoRA 'missing' not found"), std::string::npos) << d.err;
  // info lists the checkpoints and LoRAs
  const CliRun i = run_cli({"info", "--models", models.string()}, dir.path());
  EXPECT_NE(i.out.find("sdxl_tiny.safetensors"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("lora_kohya.safetensors"), std::string::npos) << i.out;
}
