// TAESD-XL tiny decoder: parity with diffusers' AutoencoderTiny.decode (fixtures formats/taesd) from the
// diffusers folder and from the original single file (numbered from 0 or, as madebyollin's, from 1).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/taesd.h"
#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/io/tensor_map.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/taesd_preview.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixtures.h"

namespace poseforge::test {
namespace {

constexpr double kNetworkTolerance = 1e-3;  // fixtures README: networks, max|a-b| / max|b|

torch::Tensor decode(const std::filesystem::path& path, torch::Device device = torch::kCPU,
                     torch::Dtype dtype = torch::kFloat32) {
  torch::NoGradGuard no_grad;
  auto decoder = diffusion::load_tiny_decoder(path, device, dtype);
  const auto latents = io::SafetensorsFile(fixture("formats/taesd/expected.safetensors")).tensor("latents");
  return decoder->forward(latents.to(device, dtype)).to(torch::kCPU, torch::kFloat32);
}

torch::Tensor expected() {
  return io::SafetensorsFile(fixture("formats/taesd/expected.safetensors")).tensor("decoded");
}

}  // namespace

TEST(Taesd, DiffusersFolderMatchesAutoencoderTinyDecode) {
  EXPECT_TRUE(
      check_close("decoded (taesdxl folder)", decode(fixture("formats/taesd/taesdxl")), expected(), kNetworkTolerance));
}

TEST(Taesd, OriginalDecoderFileMatchesAutoencoderTinyDecode) {
  EXPECT_TRUE(check_close("decoded (taesdxl_decoder.safetensors)",
                          decode(fixture("formats/taesd/taesdxl_decoder.safetensors")), expected(), kNetworkTolerance));
}

TEST(Taesd, OriginalFileNumberedFromOneAsMadebyollinsOwn) {
  // madebyollin's taesdxl_decoder files keep the clamp as layer 0: every key is one higher.
  TempDir dir;
  io::TensorMap shifted;
  for (const auto& [name, t] : io::load_tensors(fixture("formats/taesd/taesdxl_decoder.safetensors"))) {
    const auto dot = name.find('.');
    shifted[std::to_string(std::stoi(name.substr(0, dot)) + 1) + name.substr(dot)] = t;
  }
  io::write_safetensors(dir / "taesdxl_decoder.safetensors", shifted);
  EXPECT_TRUE(check_close("decoded (numbered from 1)", decode(dir / "taesdxl_decoder.safetensors"), expected(),
                          kNetworkTolerance));
}

TEST(Taesd, WrongFileIsAnErrorNamingIt) {
  TempDir dir;
  io::write_safetensors(dir / "not_taesd.safetensors", {{"encoder.weight", torch::zeros({2, 2})}});
  try {
    diffusion::load_tiny_decoder(dir / "not_taesd.safetensors", torch::kCPU, torch::kFloat32);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not_taesd.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("encoder.weight"), std::string::npos) << e.what();
  }
}

TEST(Taesd, CudaMatchesAutoencoderTinyDecode) {
  // float32 on the GPU: the fixture's random weights decode to values near 1e8, past float16's range
  // (on the H200 float16 gave inf/NaN there), which the real TAESD-XL weights never reach.
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  // cuDNN's float32 convolutions default to TF32 (10-bit mantissa: 4e-3 here); the parity is float32's.
  const bool tf32 = at::globalContext().allowTF32CuDNN();
  at::globalContext().setAllowTF32CuDNN(false);
  EXPECT_TRUE(check_close("decoded (CUDA float32)", decode(fixture("formats/taesd/taesdxl"), torch::kCUDA), expected(),
                          kNetworkTolerance));
  at::globalContext().setAllowTF32CuDNN(tf32);
}

}  // namespace poseforge::test

namespace poseforge::test {

TEST(TaesdPreview, FoundInTheModelsFolderFolderFirst) {
  TempDir root;
  EXPECT_TRUE(pipeline::find_taesd(root.path()).empty());  // none: the linear preview
  std::filesystem::create_directories(root / "vae_approx");
  write_bytes(root / "vae_approx" / "taesdxl_decoder.pth", "x");
  EXPECT_EQ(pipeline::find_taesd(root.path()), root / "vae_approx" / "taesdxl_decoder.pth");
  write_bytes(root / "taesdxl_decoder.safetensors", "x");
  EXPECT_EQ(pipeline::find_taesd(root.path()), root / "taesdxl_decoder.safetensors");
  std::filesystem::create_directories(root / "taesdxl");
  write_bytes(root / "taesdxl" / "config.json", "{}");
  EXPECT_EQ(pipeline::find_taesd(root.path()), root / "taesdxl");
  EXPECT_EQ(pipeline::ModelPaths::discover(root.path()).taesd, root / "taesdxl");
}

TEST(TaesdPreview, StepPreviewsAreTheTinyDecoderOfEachStepsLatents) {
  // With a TAESD-XL decoder in the paths, each step's preview is full size and is that decoder's
  // picture of the step's latents; without one (or switched off) it is the linear 1/8-size preview.
  const auto params = fixture_json("pipeline/params.json")["runs"].at(0);
  pipeline::Request request = fixture_request(params);
  request.seed = 3;
  request.pose_image = "(synthetic)";
  pipeline::Inputs inputs;
  inputs.control_image.width = request.width;
  inputs.control_image.height = request.height;
  inputs.control_image.channels = 3;
  inputs.control_image.pixels.assign(static_cast<std::size_t>(request.width) * request.height * 3, 40);
  auto paths = engine_fixture_paths("");
  paths.taesd = fixture("formats/taesd/taesdxl");
  pipeline::EngineOptions options;
  options.device = "cpu";
  options.dtype = "float32";
  options.previews.step_budget = 0.0;  // a preview every step, whatever it costs
  pipeline::PipelineEngine engine(paths, options);
  std::vector<pipeline::Progress> seen;
  const auto out = engine.run(
      request, inputs, [&](const pipeline::Progress& p) { seen.push_back(p); }, nullptr, true);
  ASSERT_EQ(seen.size(), out.step_latents.at(0).size());
  auto decoder = diffusion::load_tiny_decoder(paths.taesd, torch::kCPU, torch::kFloat32);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ASSERT_TRUE(seen[i].preview.has_value());
    EXPECT_EQ(seen[i].preview->width, request.width);
    EXPECT_EQ(seen[i].preview->height, request.height);
    const auto expected = pipeline::bytes_hwc_to_image(pipeline::taesd_preview_bytes(decoder, out.step_latents[0][i]));
    EXPECT_EQ(seen[i].preview->pixels, expected.pixels) << "step " << i;
  }
  options.previews.taesd = false;
  pipeline::PipelineEngine linear(paths, options);
  std::vector<pipeline::Progress> plain;
  linear.run(request, inputs, [&](const pipeline::Progress& p) { plain.push_back(p); });
  ASSERT_FALSE(plain.empty());
  ASSERT_TRUE(plain.front().preview.has_value());
  EXPECT_EQ(plain.front().preview->width, request.width / fixture_vae_scale_factor());
}

}  // namespace poseforge::test
