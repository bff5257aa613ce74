// Nothing aborts: broken model folders (tokenizer vs text encoder, preprocessor vs vision encoder, a
// libtorch error mid-run), --out checked before the run, prompts that are not UTF-8, prompt weight
// limits, and GPU failure paths injected on the CPU (out of memory mid-loop, NaN latents, a NaN decode).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cerrno>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/layers.h"
#include "core/io/json_config.h"
#include "core/io/png_io.h"
#include "core/io/write_faults.h"
#include "core/pipeline/demo_models.h"
#include "core/pipeline/fault_hooks.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/request_text_checks.h"
#include "core/pipeline/stage_error.h"
#include "core/pose/pose_json.h"
#include "core/text/prompt_weight_check.h"
#include "core/text/sdxl_prompt_encoder.h"
#include "core/vision/image_prompt.h"
#include "tests/support/cli_run.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"

namespace fs = std::filesystem;
using namespace poseforge;
using namespace poseforge::pipeline;
using test::expect_error;
using test::fixture;

namespace {

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void write_json(const fs::path& path, const nlohmann::json& json) {
  std::ofstream(path) << json.dump(2);
}

test::CliRun run_cli(const std::vector<std::string>& args, const fs::path& dir) {
  return test::run_binary(POSEFORGE_CLI, args, dir);
}

// A copy of `folder` in `dir` (for editing: fixtures and the shared demo set stay untouched).
fs::path copy_folder(const fs::path& folder, const fs::path& dir) {
  const fs::path to = dir / folder.filename();
  fs::copy(folder, to, fs::copy_options::recursive);
  return to;
}

// A one-person pose on a w x h canvas.
pose::Pose small_pose(int w, int h) {
  pose::Pose p(w, h);
  const auto i = p.add_person();
  const std::pair<double, double> points[] = {{0.5, 0.15}, {0.5, 0.3}, {0.35, 0.3},
                                              {0.65, 0.3}, {0.4, 0.6}, {0.6, 0.6}};
  const int ids[] = {0, 1, 2, 5, 8, 11};
  for (int k = 0; k < 6; ++k) p.set_keypoint(i, ids[k], {points[k].first, points[k].second, 1.0});
  return p;
}

io::Image flat_image(int w, int h, std::uint8_t value) {
  io::Image img;
  img.width = w, img.height = h, img.channels = 3;
  img.pixels.assign(static_cast<std::size_t>(w) * h * 3, value);
  return img;
}

EngineOptions cpu(const std::string& dtype = "float32") {
  EngineOptions o;
  o.device = "cpu";
  o.dtype = dtype;
  return o;
}

// The demo model set, written once for the suite; tests copy what they break.
class DemoSet : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    write_demo_models(root());
    pose::save_pose_json(dir_->path() / "pose.json", small_pose(64, 64));
    io::write_png(dir_->path() / "ip.png", flat_image(40, 40, 120));
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static fs::path root() { return dir_->path() / "models"; }
  static fs::path pose_json() { return dir_->path() / "pose.json"; }
  static fs::path ip_png() { return dir_->path() / "ip.png"; }

  // A copy of the demo models in `dir` (to break one part).
  static fs::path copy_models(const fs::path& dir) { return copy_folder(root(), dir); }

  // A small request on the demo models (64x64, 2 steps, fixed seed).
  static Request small_request() {
    Request r;
    r.pose_json = pose_json().string();
    r.prompt = "a dancer";
    r.negative_prompt = "blurry";
    r.scheduler = "Euler";
    r.steps = 2;
    r.seed = 7;
    r.width = r.height = 64;
    return r;
  }
  static Inputs small_inputs() {
    Inputs in;
    in.control_image = flat_image(64, 64, 0);
    return in;
  }
  static std::vector<std::string> generate_args(const fs::path& models, const fs::path& out) {
    return {"generate",  "--models",    models.string(),   "--pose-json", pose_json().string(),
            "--width",   "64",          "--height",        "64",          "--steps",
            "2",         "--scheduler", "Euler",           "--seed",      "3",
            "--device",  "cpu",         "--no-check-pose", "--quiet",     "--out",
            out.string()};
  }

  static std::unique_ptr<test::TempDir> dir_;
};
std::unique_ptr<test::TempDir> DemoSet::dir_;

void expect_no_abort(const test::CliRun& r) {
  EXPECT_EQ(r.signal, 0) << "the CLI was killed by signal " << r.signal << ":\n" << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Exception raised from"), std::string::npos) << "a libtorch backtrace reached the user:\n"
                                                                    << r.err;
}

// Adds a token whose id is the text encoder's vocab_size (one past its last embedding row).
std::int64_t add_token_past_vocabulary(const fs::path& tokenizer, const fs::path& text_encoder) {
  const auto vocab_size = read_json(text_encoder / "config.json").at("vocab_size").get<std::int64_t>();
  auto vocab = read_json(tokenizer / "vocab.json");
  vocab["zebracorn</w>"] = vocab_size;
  write_json(tokenizer / "vocab.json", vocab);
  return vocab_size;
}

}  // namespace

// ---- load-time consistency -------------------------------------------------------------------

TEST_F(DemoSet, TokenizerIdsPastTheEncoderVocabularyFailWhenLoading) {
  test::TempDir dir;
  const fs::path models = copy_models(dir.path());
  add_token_past_vocabulary(models / "sdxl" / "tokenizer", models / "sdxl" / "text_encoder");
  Pipeline engine(ModelPaths::discover(models), cpu());
  expect_error([&] { engine.load(); }, {"tokenizer", "token embedding rows", "do not belong together"});

  // Through the binary: a message and exit code 1, no abort (it used to die with "index out of range").
  const auto r = run_cli(generate_args(models, dir / "out.png"), dir.path());
  expect_no_abort(r);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("do not belong together"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out.png"));
}

TEST(LoadConsistency, FixtureTokenizerWithAnIdPastTheVocabularyIsRefused) {
  test::TempDir dir;
  const fs::path tokenizer = copy_folder(fixture("tokenizer/tokenizer"), dir.path());
  const auto vocab_size = add_token_past_vocabulary(tokenizer, fixture("text_encoders/text_encoder"));
  auto encoder = text::load_clip_text_model(fixture("text_encoders/text_encoder"));
  auto encoder_2 = text::load_clip_text_model(fixture("text_encoders/text_encoder_2"));
  expect_error(
      [&] {
        (void)text::SdxlPromptEncoder(text::ClipTokenizer(tokenizer), encoder,
                                      text::ClipTokenizer(fixture("tokenizer/tokenizer_2")), encoder_2);
      },
      {tokenizer.string(), std::to_string(vocab_size), "text encoder 1"});
  // The untouched pair loads.
  EXPECT_NO_THROW((void)text::SdxlPromptEncoder(text::ClipTokenizer(fixture("tokenizer/tokenizer")), encoder,
                                                text::ClipTokenizer(fixture("tokenizer/tokenizer_2")), encoder_2));
}

TEST(LoadConsistency, CropSizeOtherThanTheVisionImageSizeIsRefused) {
  test::TempDir dir;
  const fs::path folder = copy_folder(fixture("image_encoder/image_encoder"), dir.path());
  const int image_size = read_json(folder / "config.json").at("image_size").get<int>();
  auto pre = read_json(folder / "preprocessor_config.json");
  pre["crop_size"] = {{"height", image_size + 8}, {"width", image_size + 8}};
  write_json(folder / "preprocessor_config.json", pre);
  expect_error([&] { vision::ImagePromptEncoder::load(folder); },
               {"preprocessor_config.json", "crop_size", std::to_string(image_size), "do not belong together"});
  pre["crop_size"] = image_size;
  pre["do_center_crop"] = false;
  write_json(folder / "preprocessor_config.json", pre);
  expect_error([&] { vision::ImagePromptEncoder::load(folder); }, {"do_center_crop"});
}

TEST(LoadConsistency, MissingPreprocessorConfigTakesClipDefaultsSizedToTheEncoder) {
  // h94's models/image_encoder has no preprocessor_config.json.
  test::TempDir dir;
  const fs::path folder = copy_folder(fixture("image_encoder/image_encoder"), dir.path());
  fs::remove(folder / "preprocessor_config.json");
  const int image_size = read_json(folder / "config.json").at("image_size").get<int>();
  auto encoder = vision::ImagePromptEncoder::load(folder);
  const auto& c = encoder.processor().config();
  EXPECT_EQ(c.shortest_edge, image_size);
  EXPECT_EQ(c.crop_width, image_size);
  EXPECT_EQ(c.crop_height, image_size);
  const io::ImageProcessorConfig clip_defaults;
  EXPECT_EQ(c.image_mean, clip_defaults.image_mean);
  EXPECT_EQ(c.image_std, clip_defaults.image_std);
  // It runs on an image of another size.
  const auto embeds = encoder.embeds_cfg({{flat_image(image_size * 3, image_size * 2, 90), 1.0}}, false);
  EXPECT_EQ(embeds.size(0), 2);
  EXPECT_TRUE(torch::isfinite(embeds).all().item<bool>());
}

TEST_F(DemoSet, ImageEncoderWithoutPreprocessorConfigRunsThroughTheCli) {
  test::TempDir dir;
  const fs::path models = copy_models(dir.path());
  fs::remove(models / "ip-adapter" / "models" / "image_encoder" / "preprocessor_config.json");
  auto args = generate_args(models, dir / "out.png");
  args.insert(args.end(), {"--ip-image", ip_png().string()});
  const auto r = run_cli(args, dir.path());
  expect_no_abort(r);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "out.png"));
}

TEST_F(DemoSet, AVaeThatDoesNotFitTheUNetIsNamedBeforeAnythingRuns) {
  // A VAE whose latent_channels differ from the UNet's: its decode would refuse the UNet's latents at the end of
  // the run; the model loading checks it first and names the VAE folder and what was expected. (Errors that do
  // escape mid-run are named by their stage: ALibtorchErrorInsideTheLoopBecomesAnErrorWithoutBacktrace.)
  test::TempDir dir;
  const fs::path models = copy_models(dir.path());
  const fs::path vae_dir = models / "sdxl" / "vae";
  auto config = read_json(vae_dir / "config.json");
  config["latent_channels"] = config.value("latent_channels", 4) * 2;
  write_json(vae_dir / "config.json", config);
  diffusion::AutoencoderKL vae(
      diffusion::AutoencoderKLConfig::from_json(io::JsonConfig::load(vae_dir / "config.json")));
  diffusion::init_random(*vae);
  fs::remove_all(vae_dir / "diffusion_pytorch_model.safetensors");
  save_module_weights(*vae, vae_dir / "diffusion_pytorch_model.safetensors", torch::kFloat32);

  Pipeline engine(ModelPaths::discover(models), cpu());
  expect_error([&] { engine.generate(small_request(), small_inputs()); },
               {"loading VAE", (models / "sdxl" / "vae").string(), "latent channels"});

  const auto r = run_cli(generate_args(models, dir / "out.png"), dir.path());
  expect_no_abort(r);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("VAE '"), std::string::npos) << r.err;
}

// ---- --out checked before the run ------------------------------------------------------------

TEST_F(DemoSet, OutIntoAMissingOrBlockedFolderFailsBeforeAnythingRuns) {
  test::TempDir dir;
  test::write_bytes(dir / "file", "a file, not a folder");
  fs::create_directories(dir / "taken.png");
  const struct {
    fs::path out;
    std::string expected;
  } cases[] = {{dir / "no" / "such" / "folder" / "out.png", "does not exist"},
               {dir / "file" / "out.png", "is not a folder"},
               {dir / "taken.png", "is a folder"}};
  for (const auto& c : cases) {
    const auto r = run_cli(generate_args(root(), c.out), dir.path());
    expect_no_abort(r);
    EXPECT_EQ(r.code, 2) << c.out << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("loading models"), std::string::npos) << "the check came after loading:\n" << r.err;
  }
}

// ---- prompts: UTF-8 and weights --------------------------------------------------------------

TEST(RequestText, InvalidUtf8IsFoundWithItsOffset) {
  EXPECT_FALSE(invalid_utf8_offset("a dancer, caf\xc3\xa9, \xe2\x9c\x93, \xf0\x9f\x92\x83"));
  EXPECT_EQ(invalid_utf8_offset("caf\xe9 noir"), 3u);      // Latin-1
  EXPECT_EQ(invalid_utf8_offset("ok\xc0\xaf"), 2u);        // overlong '/'
  EXPECT_EQ(invalid_utf8_offset("x\xed\xa0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(invalid_utf8_offset("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(invalid_utf8_offset("cut \xe2\x9c"), 4u);      // truncated sequence
  Request r;
  r.pose_json = "pose.json";
  r.negative_prompt = std::string("bad\xff", 4);
  const auto problems = r.problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("negative_prompt is not valid UTF-8 (byte 0xff at offset 3)"), std::string::npos)
      << problems[0];
}

TEST(PromptWeights, NonDecimalAndHugeWeightsAreRefusedPlainOnesPass) {
  const struct {
    std::string prompt;
    std::string expected;  // empty: no problem
  } cases[] = {
      {"(a:1e30)", "'1e30'"},
      {"(a:nan)", "'nan'"},
      {"(a: inf )", "'inf'"},
      {"(a:-INF)", "'-INF'"},
      {"(a:0x10)", "'0x10'"},
      {"(a:99999999999999999999999)", "the weight of 'a' is 1e+23"},
      {"((a:9):9)", "the weight of 'a' is 81 "},
      {"(a:1.3), [b], ((c)), (d:-1.5), (e:10)", ""},
      {"time 10:30) and ratio 1:2", ""},
      {"(label:information)", ""},
  };
  for (const auto& c : cases) {
    const auto problems = text::prompt_weight_problems("prompt", c.prompt);
    if (c.expected.empty()) {
      EXPECT_TRUE(problems.empty()) << c.prompt << ": " << ::testing::PrintToString(problems);
      continue;
    }
    ASSERT_FALSE(problems.empty()) << c.prompt;
    EXPECT_NE(problems[0].find(c.expected), std::string::npos) << c.prompt << ": " << problems[0];
    EXPECT_NE(problems[0].find("prompt: "), std::string::npos) << problems[0];
  }
  // The encoder refuses them too when called directly (no infinite weight reaches the embeddings).
  expect_error(
      [] { text::check_prompt_weights("prompt", text::parse_prompt_weights("(a:1" + std::string(400, '0') + ")")); },
      {"the weight of 'a' is inf"});
}

TEST_F(DemoSet, CliRefusesBadPromptsWithExitTwoAndRepairsNonUtf8Paths) {
  test::TempDir dir;
  const struct {
    std::vector<std::string> extra;
    std::string expected;
  } cases[] = {
      {{"--prompt", "caf\xe9"}, "prompt is not valid UTF-8 (byte 0xe9 at offset 3)"},
      {{"--negative-prompt", "\xff\xfe"}, "negative_prompt is not valid UTF-8"},
      {{"--prompt", "(a:1e30)"}, "'1e30' in '(a:1e30)'"},
      {{"--prompt", "(a:nan)"}, "'nan'"},
  };
  for (const auto& c : cases) {
    auto args = generate_args(root(), dir / "out.png");
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto r = run_cli(args, dir.path());
    expect_no_abort(r);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  }
  // A request file with Latin-1 bytes in its prompt is not JSON (JSON is UTF-8): exit 2, named.
  test::write_bytes(dir / "latin1.json", "{\"pose_json\": \"" + pose_json().string() + "\", \"prompt\": \"caf\xe9\"}");
  const auto file_run = run_cli({"generate", "--models", root().string(), "--request", (dir / "latin1.json").string(),
                                 "--out", (dir / "out.png").string()},
                                dir.path());
  expect_no_abort(file_run);
  EXPECT_EQ(file_run.code, 2);
  EXPECT_NE(file_run.err.find("latin1.json"), std::string::npos) << file_run.err;

  // A pose file whose name is not UTF-8 (Linux allows any bytes) still runs; the metadata is repaired
  // with U+FFFD instead of aborting with json type_error 316.
  const fs::path odd = dir / "pos\xe9.json";
  fs::copy_file(pose_json(), odd);
  auto args = generate_args(root(), dir / "out.png");
  args[4] = odd.string();
  const auto r = run_cli(args, dir.path());
  expect_no_abort(r);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto text = io::read_png_text(dir / "out.png");
  ASSERT_TRUE(text.count("poseforge"));
  EXPECT_NE(text.at("poseforge").find("pos\xef\xbf\xbd.json"), std::string::npos) << text.at("poseforge");
  EXPECT_NE(r.out.find("\xef\xbf\xbd"), std::string::npos) << "the JSON summary repairs it too";
}

// ---- GPU failure paths, injected on the CPU --------------------------------------------------

TEST_F(DemoSet, OutOfMemoryMidLoopGivesAMessageAndTheNextRunSucceeds) {
  Pipeline engine(ModelPaths::discover(root()), cpu());
  const Result before = engine.generate(small_request(), small_inputs());
  {
    FaultHooks hooks;
    hooks.before_model_call = [](std::int64_t call) {
      if (call == 1) throw_simulated_cuda_oom();
    };
    const ScopedFaultHooks scoped(std::move(hooks));
    try {
      engine.generate(small_request(), small_inputs());
      ADD_FAILURE() << "expected OutOfMemory";
    } catch (const OutOfMemory& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("out of memory while denoising and decoding sample 1"), std::string::npos) << msg;
      EXPECT_NE(msg.find("CUDA out of memory. Tried to allocate"), std::string::npos) << msg;
      EXPECT_NE(msg.find("low-VRAM mode"), std::string::npos) << msg;
      EXPECT_NE(msg.find("--low-vram"), std::string::npos) << msg;
    }
  }
  // The models stay loaded and unchanged: the next run gives the same picture as before.
  ASSERT_TRUE(engine.loaded());
  const Result after = engine.generate(small_request(), small_inputs());
  ASSERT_EQ(after.images.size(), 1u);
  EXPECT_EQ(after.images[0].pixels, before.images[0].pixels);
}

TEST_F(DemoSet, ALibtorchErrorInsideTheLoopBecomesAnErrorWithoutBacktrace) {
  Pipeline engine(ModelPaths::discover(root()), cpu());
  FaultHooks hooks;
  hooks.before_model_call = [](std::int64_t) { TORCH_CHECK(false, "injected kernel failure"); };
  const ScopedFaultHooks scoped(std::move(hooks));
  try {
    engine.generate(small_request(), small_inputs());
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("denoising and decoding sample 1 (UNet '"), std::string::npos) << msg;
    EXPECT_NE(msg.find("injected kernel failure"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Exception raised from"), std::string::npos) << msg;
    EXPECT_EQ(dynamic_cast<const OutOfMemory*>(&e), nullptr);
  }
}

TEST_F(DemoSet, NanDecodeIsDecodedAgainInFloat32OnceAndSaysSo) {
  Pipeline engine(ModelPaths::discover(root()), cpu());
  const Result clean = engine.generate(small_request(), small_inputs());
  EXPECT_TRUE(clean.notes.empty());
  std::vector<int> attempts;
  FaultHooks hooks;
  hooks.poison_decode = [&](int attempt) {
    attempts.push_back(attempt);
    return attempt == 0;
  };
  const ScopedFaultHooks scoped(std::move(hooks));
  const Result redone = engine.generate(small_request(), small_inputs());
  EXPECT_EQ(attempts, (std::vector<int>{0, 1}));
  ASSERT_EQ(redone.notes.size(), 1u);
  EXPECT_NE(redone.notes[0].find("decoded again in float32"), std::string::npos) << redone.notes[0];
  // float32 models: the second decode is the same computation, so the same picture.
  EXPECT_EQ(redone.images[0].pixels, clean.images[0].pixels);
}

TEST_F(DemoSet, Bfloat16VaeGoesToFloat32ForTheRedecodeAndBack) {
  PipelineEngine engine(ModelPaths::discover(root()), cpu("bfloat16"));
  FaultHooks hooks;
  hooks.poison_decode = [](int attempt) { return attempt == 0; };
  const ScopedFaultHooks scoped(std::move(hooks));
  const auto out = engine.run(small_request(), small_inputs());
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_NE(out.notes[0].find("bfloat16 VAE decode gave NaN"), std::string::npos) << out.notes[0];
  EXPECT_TRUE(torch::isfinite(out.images).all().item<bool>());
  EXPECT_EQ(engine.models().vae_dtype, torch::kBFloat16);
  for (const auto& p : engine.models().vae->parameters()) EXPECT_EQ(p.scalar_type(), torch::kBFloat16);
}

TEST_F(DemoSet, NanLatentsOrAPictureNanTwiceAreErrorsAndTheNextRunSucceeds) {
  Pipeline engine(ModelPaths::discover(root()), cpu());
  {
    FaultHooks hooks;
    hooks.poison_latents = [] { return true; };
    const ScopedFaultHooks scoped(std::move(hooks));
    expect_error([&] { engine.generate(small_request(), small_inputs()); },
                 {"sample 1", "NaN or infinite latents", "float32"});
  }
  {
    FaultHooks hooks;
    hooks.poison_decode = [](int) { return true; };
    const ScopedFaultHooks scoped(std::move(hooks));
    expect_error([&] { engine.generate(small_request(), small_inputs()); }, {"again in float32", "nothing was saved"});
  }
  const Result ok = engine.generate(small_request(), small_inputs());
  EXPECT_EQ(ok.images.size(), 1u);
  EXPECT_TRUE(ok.notes.empty());
}

TEST_F(DemoSet, LowVramFlagIsAccepted) {
  test::TempDir dir;
  auto args = generate_args(root(), dir / "out.png");
  args.push_back("--low-vram");
  const auto r = run_cli(args, dir.path());
  expect_no_abort(r);
  EXPECT_EQ(r.code, 0) << r.err;
}

// ---- a full disk while saving -----------------------------------------------------------------

TEST(AtomicWriteFaults, AFullDiskKeepsTheOldFileAndLeavesNoTempFile) {
  test::TempDir dir;
  const fs::path file = dir / "picture.png";
  io::Image img = flat_image(8, 8, 200);
  io::write_png(file, img, {{"parameters", "old"}});
  const std::string before = test::read_bytes(file);
  io::write_fault_hook() = [](const fs::path&) { return ENOSPC; };
  img.pixels.assign(img.pixels.size(), 10);
  expect_error([&] { io::write_png(file, img, {{"parameters", "new"}}); }, {"picture.png", "No space left on device"});
  io::write_fault_hook() = {};
  EXPECT_EQ(test::read_bytes(file), before) << "the old file stays";
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename() == "picture.png" ? 0 : 1;
  EXPECT_EQ(entries, 0u) << "no temporary file is left behind";
  io::write_png(file, img, {{"parameters", "new"}});  // the next save works
  EXPECT_EQ(io::read_png_text(file).at("parameters"), "new");
}
