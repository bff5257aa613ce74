// The GPU engine's speed, memory and failure paths on the fixture models: the denoising call replayed as
// a CUDA graph and the load-time warm-up (float16 on CUDA with graphs stays within float16 error of float32
// on the CPU, and of the eager float16 run), each attention kernel, the memory modes (parked encoders and
// ControlNet give the resident pictures with less GPU memory), the bfloat16 VAE, and a real CUDA out of
// memory and float16 overflow (the engine recovers, the models stay usable).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#if defined(POSEFORGE_CUDA)
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "core/diffusion/autoencoder_kl.h"
#include "core/error.h"
#include "core/layers/attention_backend.h"
#include "core/layers/fused_ops.h"
#include "core/io/tensor_map.h"
#include "core/pipeline/fault_hooks.h"
#include "core/pipeline/stage_error.h"
#include "core/pipeline/cuda_info.h"
#include "core/pipeline/memory_mode.h"
#include "core/pipeline/parked_weights.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/step_graph.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixtures.h"

namespace poseforge::test {
namespace {

using pipeline::EngineOptions;
using pipeline::EngineOutput;
using pipeline::Inputs;
using pipeline::PipelineEngine;
using pipeline::Request;

// A deterministic RGB pattern (the engine-only build cannot decode the fixture PNGs).
io::Image pattern(int width, int height, int phase) {
  io::Image img;
  img.width = width;
  img.height = height;
  img.channels = 3;
  img.pixels.resize(static_cast<std::size_t>(width) * height * 3);
  for (std::size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = static_cast<std::uint8_t>((i * 37 + phase) % 251);
  return img;
}

struct FixtureCase {
  Request request;
  Inputs inputs;
  std::string adapter;
};

// params.json's first run (prompt, size, steps, scales, sampler), synthetic pose and image prompt.
FixtureCase fixture_run() {
  const auto p = fixture_json("pipeline/params.json")["runs"].at(0);
  FixtureCase r;
  r.request = fixture_request(p);
  r.request.seed = 7;
  r.request.pose_image = "(synthetic)";
  r.inputs.control_image = pattern(r.request.width, r.request.height, 0);
  r.inputs.image_prompts.push_back({pattern(64, 64, 11), 1.0});
  r.adapter = p["ip_adapter"].get<std::string>();
  return r;
}

EngineOptions options(const std::string& device, const std::string& dtype, bool graphs,
                      const std::string& memory = "resident") {
  EngineOptions o;
  o.device = device;
  o.dtype = dtype;
  o.cuda_graphs = graphs;
  o.memory = memory;
  return o;
}

// A GPU picture against the CPU's float32 one: the VAE decodes in bfloat16 where the GPU has it (8 bits
// of mantissa: VaeDtype allows 5e-2 against its own float32 decode), after float16 denoising. Measured on
// the H200: up to 2.04e-2 (the rounding moves with the kernels: fused or not, each attention kernel).
constexpr double kImageVsCpu = 3e-2;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

#if defined(POSEFORGE_CUDA)
std::int64_t cuda_allocated_bytes() {
  torch::cuda::synchronize();
  return c10::cuda::CUDACachingAllocator::getDeviceStats(0).allocated_bytes[0].current;
}
#endif

}  // namespace

TEST(StepGraphs, NotOnTheCpu) {
  EXPECT_FALSE(pipeline::StepGraphs::supported(torch::kCPU));
  pipeline::StepGraphs graphs;
  EXPECT_EQ(graphs.size(), 0u);
}

TEST(StepGraphs, CpuRunIgnoresTheGraphOption) {
  // On the CPU the option cannot apply: the same pixels with it on or off (the eager path both times).
  const FixtureCase run = fixture_run();
  PipelineEngine on(engine_fixture_paths(run.adapter), options("cpu", "float32", true));
  PipelineEngine off(engine_fixture_paths(run.adapter), options("cpu", "float32", false));
  const auto a = on.run(run.request, run.inputs);
  const auto b = off.run(run.request, run.inputs);
  EXPECT_TRUE(torch::equal(a.images, b.images));
}

TEST(StepGraphs, CudaFloat16WithGraphsIsWithinFloat16ErrorOfCpuFloat32) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  FixtureCase run = fixture_run();
  PipelineEngine cpu(engine_fixture_paths(run.adapter), options("cpu", "float32", false));
  PipelineEngine graphed(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  PipelineEngine eager(engine_fixture_paths(run.adapter), options("cuda", "float16", false));
  const auto ref = cpu.run(run.request, run.inputs, {}, nullptr, true);
  const auto g = graphed.run(run.request, run.inputs, {}, nullptr, true);
  const auto e = eager.run(run.request, run.inputs, {}, nullptr, true);
  ASSERT_EQ(g.step_latents.at(0).size(), ref.step_latents.at(0).size());
  for (std::size_t i = 0; i < ref.step_latents[0].size(); ++i) {
    const std::string name = "step " + std::to_string(i) + " latents";
    EXPECT_TRUE(check_close(name + " (graph vs CPU float32)", g.step_latents[0][i], ref.step_latents[0][i], 1e-2));
    EXPECT_TRUE(check_close(name + " (graph vs eager float16)", g.step_latents[0][i], e.step_latents[0][i], 2e-3));
  }
  EXPECT_TRUE(check_close_abs("image (graph vs CPU float32)", g.images, ref.images, kImageVsCpu));
  // A slider move (new scales, same shapes) replays the same graph with the new values.
  run.request.controlnet_scale *= 0.5;
  run.request.guidance_scale += 1.0;
  run.request.ip_adapter_scale *= 0.5;
  const auto ref2 = cpu.run(run.request, run.inputs);
  const auto g2 = graphed.run(run.request, run.inputs);
  EXPECT_TRUE(check_close_abs("image after a slider move (graph vs CPU float32)", g2.images, ref2.images, kImageVsCpu));
  EXPECT_FALSE(torch::equal(g.images, g2.images));
}

TEST(StepGraphs, CudaLoadTimeWarmUpCapturesTheGraphAFirstRunAtItsSizeNeeds) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  FixtureCase run = fixture_run();
  run.request.height = run.request.width;  // the warm-up is square, with CFG and one image prompt
  run.request.guidance_scale = std::max(run.request.guidance_scale, 2.0);
  const auto captures_of_first_run = [&](int warm_up_side) {
    EngineOptions o = options("cuda", "float16", true);
    o.warm_up_side = warm_up_side;
    PipelineEngine engine(engine_fixture_paths(run.adapter), o);
    engine.load();
    int captures = 0;
    pipeline::FaultHooks hooks;
    hooks.inside_model_call = [&](bool capturing) { captures += capturing ? 1 : 0; };
    const pipeline::ScopedFaultHooks scoped(std::move(hooks));
    engine.run(run.request, run.inputs, [](const pipeline::Progress&) {});
    return captures;
  };
  EXPECT_EQ(captures_of_first_run(0), 1);  // without a warm-up the first run captures its graph
  EXPECT_EQ(captures_of_first_run(run.request.width), 0);
}

TEST(MemoryMode, AutoFollowsTheGpuSizeAndLowVramForcesLow) {
  using pipeline::choose_memory_mode;
  using pipeline::MemoryMode;
  constexpr std::int64_t GiB = std::int64_t{1} << 30;
  EXPECT_EQ(choose_memory_mode("auto", false, true, 80 * GiB).mode, MemoryMode::Resident);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 24 * GiB).mode, MemoryMode::Resident);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 16 * GiB).mode, MemoryMode::Balanced);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 15 * GiB).mode, MemoryMode::Balanced);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 12 * GiB).mode, MemoryMode::Low);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 8 * GiB).mode, MemoryMode::Minimal);
  EXPECT_EQ(choose_memory_mode("auto", true, true, 80 * GiB).mode, MemoryMode::Low);
  EXPECT_EQ(choose_memory_mode("minimal", true, true, 80 * GiB).mode, MemoryMode::Minimal);
  EXPECT_EQ(choose_memory_mode("auto", false, true, 0).mode, MemoryMode::Resident);  // size unknown
  EXPECT_NE(choose_memory_mode("auto", false, true, 16 * GiB).reason.find("16.0 GiB"), std::string::npos);
  EXPECT_EQ(choose_memory_mode("resident", false, true, 8 * GiB).mode, MemoryMode::Resident);
  EXPECT_EQ(choose_memory_mode("balanced", false, true, 80 * GiB).mode, MemoryMode::Balanced);
  EXPECT_EQ(choose_memory_mode("resident", true, true, 80 * GiB).mode, MemoryMode::Low);
  EXPECT_EQ(choose_memory_mode("low", false, false, 0).mode, MemoryMode::Resident);  // the CPU: nothing moves
  EXPECT_EQ(choose_memory_mode("minimal", false, false, 0).mode, MemoryMode::Resident);
  EXPECT_THROW(choose_memory_mode("tiny", false, true, 8 * GiB), Error);
  EXPECT_THROW(PipelineEngine(engine_fixture_paths(), options("cpu", "float32", false, "most")), Error);
}

TEST(ParkedWeights, CudaRoundTripKeepsTheWeightsAndWhatChangedOnEitherSide) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  torch::NoGradGuard no_grad;
  torch::nn::Linear linear(64, 32);
  linear->to(torch::Device(torch::kCUDA, 0), torch::kFloat16);
  const auto original = linear->weight.cpu().clone();
  pipeline::ParkedWeights parked({linear.get()});
  EXPECT_EQ(parked.bytes(), (64 * 32 + 32) * 2);
  parked.park();
  ASSERT_TRUE(linear->weight.is_cpu());
  EXPECT_TRUE(linear->weight.is_pinned());
  EXPECT_TRUE(torch::equal(linear->weight, original));
  linear->weight.add_(1.0);  // changed while parked (a LoRA merged on the host)
  parked.unpark();
  ASSERT_TRUE(linear->weight.is_cuda());
  EXPECT_TRUE(torch::equal(linear->weight.cpu(), original + 1.0));
  linear->weight.mul_(2.0);  // changed on the GPU: copied back when parked again
  parked.park();
  parked.unpark();
  EXPECT_TRUE(torch::equal(linear->weight.cpu(), (original + 1.0) * 2.0));
  const auto x = torch::ones({1, 64}, torch::TensorOptions().dtype(torch::kFloat16).device(torch::kCUDA));
  EXPECT_TRUE(linear->forward(x).is_cuda());
}

TEST(MemoryMode, CudaBalancedLowAndMinimalGiveTheResidentPicturesWithLessMemory) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
#if defined(POSEFORGE_CUDA)
  FixtureCase run = fixture_run();
  run.request.samples = 2;  // low memory parks the ControlNet after each sample's denoising
  // Low memory decodes in tiles; the picture is kept within one tile so that its decode is the resident one's
  // up to float16 error whatever the fixture's size (the error of real tiling is test_diffusion's).
  const int tile_pixels = static_cast<int>(diffusion::TileOptions{}.tile) * fixture_vae_scale_factor();
  run.request.width = std::min(run.request.width, tile_pixels);
  run.request.height = std::min(run.request.height, tile_pixels);
  EngineOutput resident_out, balanced_out, low_out, minimal_out;
  const torch::Device cuda(torch::kCUDA, 0);
  // What parking frees: the allocated bytes with the models back on the GPU, less than with them parked.
  const auto freed_by_parking = [&](pipeline::ModelSet& m, void (pipeline::ModelSet::*move)(torch::Device)) {
    const auto parked = cuda_allocated_bytes();
    (m.*move)(cuda);
    const auto unparked = cuda_allocated_bytes();
    (m.*move)(torch::kCPU);
    EXPECT_EQ(cuda_allocated_bytes(), parked);  // parking again frees the same blocks
    return unparked - parked;
  };
  {
    PipelineEngine resident(engine_fixture_paths(run.adapter), options("cuda", "float16", true, "resident"));
    resident_out = resident.run(run.request, run.inputs, {}, nullptr, true);
    EXPECT_FALSE(resident.models().parked_encoders.parked());
  }
  {
    PipelineEngine balanced(engine_fixture_paths(run.adapter), options("cuda", "float16", true, "balanced"));
    balanced_out = balanced.run(run.request, run.inputs, {}, nullptr, true);
    auto& m = balanced.models();
    EXPECT_TRUE(m.parked_encoders.parked());
    EXPECT_TRUE(m.text_encoder->parameters().front().is_cpu());
    EXPECT_FALSE(m.parked_controlnet.parked());
    EXPECT_GE(freed_by_parking(m, &pipeline::ModelSet::move_encoders), m.parked_encoders.bytes() * 9 / 10);
    // A new prompt brings the encoders back for the encoding, and parks them after.
    auto again_run = run;
    again_run.request.prompt += " again";
    const auto again = balanced.run(again_run.request, again_run.inputs);
    EXPECT_TRUE(m.parked_encoders.parked());
    EXPECT_FALSE(torch::equal(again.images, balanced_out.images));
  }
  {
    PipelineEngine low(engine_fixture_paths(run.adapter), options("cuda", "float16", true, "low"));
    low_out = low.run(run.request, run.inputs, {}, nullptr, true);
    auto& m = low.models();
    EXPECT_TRUE(m.parked_controlnet.parked());
    EXPECT_TRUE(m.controlnet->parameters().front().is_cpu());
    EXPECT_FALSE(m.parked_unet.parked());
    EXPECT_GE(freed_by_parking(m, &pipeline::ModelSet::move_controlnet), m.parked_controlnet.bytes() * 9 / 10);
  }
  {
    PipelineEngine minimal(engine_fixture_paths(run.adapter), options("cuda", "float16", true, "minimal"));
    minimal_out = minimal.run(run.request, run.inputs, {}, nullptr, true);
    auto& m = minimal.models();
    EXPECT_TRUE(m.parked_unet.parked());
    EXPECT_TRUE(m.parked_controlnet.parked());
    EXPECT_TRUE(m.unet->parameters().front().is_cpu());
    EXPECT_GT(m.parked_unet.bytes(), m.parked_controlnet.bytes());
    EXPECT_GE(freed_by_parking(m, &pipeline::ModelSet::move_unet), m.parked_unet.bytes() * 9 / 10);
  }
  // Same weights and kernels: balanced is the resident run exactly; low runs eagerly (no graphs) and
  // decodes in tiles, within float16 error of it.
  ASSERT_EQ(balanced_out.step_latents.size(), 2u);
  for (std::size_t s = 0; s < 2; ++s) {
    for (std::size_t i = 0; i < resident_out.step_latents[s].size(); ++i) {
      const std::string name = "sample " + std::to_string(s) + " step " + std::to_string(i) + " latents";
      EXPECT_TRUE(torch::equal(balanced_out.step_latents[s][i], resident_out.step_latents[s][i])) << name;
      EXPECT_TRUE(check_close(name + " (low vs resident)", low_out.step_latents[s][i], resident_out.step_latents[s][i],
                              2e-3));
      EXPECT_TRUE(torch::equal(minimal_out.step_latents[s][i], low_out.step_latents[s][i])) << name << " (minimal)";
    }
  }
  EXPECT_TRUE(torch::equal(balanced_out.images, resident_out.images));
  EXPECT_TRUE(check_close_abs("image (low vs resident)", low_out.images, resident_out.images, 2e-2));
  EXPECT_TRUE(torch::equal(minimal_out.images, low_out.images));  // the same eager kernels and tiled decode
#endif
}

TEST(VaeDtype, CudaAutoDecodesInBfloat16WhereTheGpuHasItAndFloat32OnRequest) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const FixtureCase run = fixture_run();
  PipelineEngine automatic(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  EngineOptions f32_options = options("cuda", "float16", true);
  f32_options.vae_dtype = "float32";
  PipelineEngine f32(engine_fixture_paths(run.adapter), f32_options);
  const bool upcast = automatic.models().vae->config().force_upcast;
  const torch::Device cuda(torch::kCUDA, 0);
  const auto expected = !upcast ? torch::kFloat16 : pipeline::gpu_has_bfloat16(cuda) ? torch::kBFloat16 : torch::kFloat32;
  EXPECT_EQ(automatic.models().vae_dtype, expected);
  EXPECT_EQ(f32.models().vae_dtype, upcast ? torch::kFloat32 : torch::kFloat16);
  // bfloat16 keeps 8 bits of mantissa: the picture within a few grey levels of the float32 decode.
  const auto a = automatic.run(run.request, run.inputs);
  const auto b = f32.run(run.request, run.inputs);
  EXPECT_TRUE(check_close_abs("image (auto VAE vs float32 VAE)", a.images, b.images, 5e-2));
}

TEST(AttentionBackend, NamesAreCheckedAndAutoIsAlwaysValid) {
  EXPECT_NO_THROW(layers::check_attention_backend("auto"));
  EXPECT_NO_THROW(layers::check_attention_backend("cudnn", /*choice_needed=*/false));
  try {
    layers::check_attention_backend("fastest", false);
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "'fastest'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "auto, flash, efficient, cudnn, math")) << e.what();
  }
  const FixtureCase run = fixture_run();
  EngineOptions bad = options("cpu", "float32", false);
  bad.attention = "fastest";
  EXPECT_THROW(PipelineEngine(engine_fixture_paths(run.adapter), bad), Error);
}

TEST(AttentionBackend, CudaEveryKernelWithGraphsIsWithinFloat16ErrorOfCpuFloat32) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const FixtureCase run = fixture_run();
  PipelineEngine cpu(engine_fixture_paths(run.adapter), options("cpu", "float32", false));
  const auto ref = cpu.run(run.request, run.inputs);
  for (const auto& kernel : layers::attention_backend_names()) {
    EngineOptions o = options("cuda", "float16", true);
    o.attention = kernel;
    PipelineEngine gpu(engine_fixture_paths(run.adapter), o);
    const auto out = gpu.run(run.request, run.inputs);
    EXPECT_TRUE(check_close_abs("image, attention " + kernel + " (graph vs CPU float32)", out.images, ref.images, kImageVsCpu));
  }
  layers::apply_attention_backend("auto");
}

TEST(GpuFailures, CudaOutOfMemoryIsAnOutOfMemoryAndTheModelsStayUsable) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
#if defined(POSEFORGE_CUDA)
  const FixtureCase run = fixture_run();
  PipelineEngine engine(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  const auto before = engine.run(run.request, run.inputs);
  // A 2048 x 2048 picture with the GPU capped at what is reserved now plus 32 MiB: the caching allocator
  // really runs out (c10::OutOfMemoryError from its own limit, as on a full card).
  FixtureCase big = fixture_run();
  big.request.width = big.request.height = 2048;
  big.inputs.control_image = pattern(2048, 2048, 0);
  torch::cuda::synchronize();
  c10::cuda::CUDACachingAllocator::emptyCache();
  const auto reserved = c10::cuda::CUDACachingAllocator::getDeviceStats(0).reserved_bytes[0].current;
  const auto total = pipeline::gpu_total_memory(torch::Device(torch::kCUDA, 0));
  ASSERT_GT(total, 0);
  c10::cuda::CUDACachingAllocator::setMemoryFraction(static_cast<double>(reserved + (32 << 20)) / total, 0);
  std::string message;
  try {
    engine.run(big.request, big.inputs);
  } catch (const pipeline::OutOfMemory& e) {
    message = e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected OutOfMemory, got: " << e.what();
  }
  c10::cuda::CUDACachingAllocator::setMemoryFraction(1.0, 0);
  ASSERT_FALSE(message.empty()) << "the capped run did not run out of memory";
  EXPECT_TRUE(contains(message, "out of memory while")) << message;
  EXPECT_TRUE(contains(message, "low-VRAM mode")) << message;
  EXPECT_TRUE(contains(message, "--memory minimal")) << message;
  EXPECT_FALSE(contains(message, "Exception raised from")) << message;
  // What the failed run allocated went back; the models and the graph of the earlier size are intact.
  EXPECT_LE(c10::cuda::CUDACachingAllocator::getDeviceStats(0).reserved_bytes[0].current, reserved + (32 << 20));
  const auto after = engine.run(run.request, run.inputs);
  EXPECT_TRUE(torch::equal(after.images, before.images));
#endif
}

TEST(GpuFailures, CudaOutOfMemoryWhileCapturingAGraphEndsTheCaptureAndTheNextRunCaptures) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const FixtureCase run = fixture_run();
  PipelineEngine clean(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  const auto expected = clean.run(run.request, run.inputs);
  PipelineEngine engine(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  engine.load();  // the load-time warm-up captures its own size, not the request's
  int captures = 0;
  {
    pipeline::FaultHooks hooks;
    hooks.inside_model_call = [&](bool capturing) {
      if (capturing && captures++ == 0) pipeline::throw_simulated_cuda_oom();
    };
    const pipeline::ScopedFaultHooks scoped(std::move(hooks));
    EXPECT_THROW(engine.run(run.request, run.inputs), pipeline::OutOfMemory);
    EXPECT_EQ(captures, 1);
    // The stream is not left capturing: the same engine captures this size again and runs.
    const auto again = engine.run(run.request, run.inputs);
    EXPECT_EQ(captures, 2);
    EXPECT_TRUE(torch::equal(again.images, expected.images));
  }
}

TEST(GpuFailures, CudaFloat16VaeOverflowIsDecodedAgainInFloat32AndSaysSo) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const FixtureCase run = fixture_run();
  PipelineEngine engine(engine_fixture_paths(run.adapter), options("cuda", "float16", true));
  auto& m = engine.models();
  // A decoder whose first convolution gives values past float16's 65504 while its weights stay within
  // float16's range (its GroupNorms make the picture independent of that scale in float32): a real
  // float16 activation overflow, NaN in float16, as SDXL's original VAE shows on some latents.
  torch::NoGradGuard no_grad;
  auto params = m.vae->named_parameters();
  ASSERT_TRUE(params.contains("decoder.conv_in.weight"));
  auto& w = params["decoder.conv_in.weight"];
  auto& b = params["decoder.conv_in.bias"];
  const double largest = std::max(w.abs().max().item<double>(), b.abs().max().item<double>());
  w.mul_(60000.0 / largest);
  b.mul_(60000.0 / largest);
  // The float32 reference decodes with the float16-rounded weights the re-decode will have.
  m.vae->to(torch::kFloat16);
  m.vae->to(torch::kFloat32);
  m.vae_dtype = torch::kFloat32;
  const auto f32 = engine.run(run.request, run.inputs);
  EXPECT_TRUE(f32.notes.empty());
  m.vae->to(torch::kFloat16);
  m.vae_dtype = torch::kFloat16;
  const auto redone = engine.run(run.request, run.inputs);
  ASSERT_EQ(redone.notes.size(), 1u);
  EXPECT_TRUE(contains(redone.notes[0], "float16 VAE decode gave NaN")) << redone.notes[0];
  EXPECT_TRUE(contains(redone.notes[0], "decoded again in float32")) << redone.notes[0];
  EXPECT_TRUE(torch::isfinite(redone.images).all().item<bool>());
  EXPECT_TRUE(check_close_abs("image (float32 re-decode vs float32 VAE)", redone.images, f32.images, 1e-3));
  EXPECT_EQ(m.vae_dtype, torch::kFloat16);  // back in float16 for the next run
  for (const auto& p : m.vae->parameters()) EXPECT_EQ(p.scalar_type(), torch::kFloat16);
}


// --- our fused kernels (layers/fused_ops.h) ---

struct NormCase {
  std::vector<std::int64_t> sizes;  // [N, C, ...]
  std::int64_t groups;
};

// The fixture UNet's channel widths and group count at its sample size, then SDXL's widths (a group's
// channels 10, 20 and 40: every vector width of the NHWC kernel), odd sizes (no vector) and a 3-d input
// (the VAE attention's norm).
std::vector<NormCase> norm_cases() {
  const auto c = fixture_json("unet/unet/config.json");
  const auto groups = c["norm_num_groups"].get<std::int64_t>();
  const auto side = c["sample_size"].get<std::int64_t>();
  std::vector<NormCase> cases;
  for (const auto& width : c["block_out_channels"]) cases.push_back({{2, width.get<std::int64_t>(), side, side}, groups});
  for (std::int64_t width : {320, 640, 1280}) cases.push_back({{2, width, 24, 20}, 32});
  cases.push_back({{3, 6, 7, 5}, 3});
  cases.push_back({{2, 64, 49}, 8});
  return cases;
}

double kernel_tolerance(torch::Dtype dtype) {
  return dtype == torch::kFloat32 ? 1e-5 : dtype == torch::kFloat16 ? 2e-3 : 1.6e-2;
}

TEST(FusedOps, CpuRunsLibtorchsOwnOperationsBitForBit) {
  torch::manual_seed(3);
  for (const auto& k : norm_cases()) {
    torch::nn::GroupNorm norm(torch::nn::GroupNormOptions(k.groups, k.sizes[1]).eps(1e-5));
    torch::NoGradGuard no_grad;
    norm->weight.uniform_(0.5, 1.5);
    norm->bias.uniform_(-0.5, 0.5);
    auto x = torch::randn(k.sizes) * 3 + 1;
    if (x.dim() == 4) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
    EXPECT_TRUE(torch::equal(layers::group_norm(x, *norm), norm(x)));
    EXPECT_TRUE(torch::equal(layers::group_norm(x, *norm, true), torch::silu(norm(x))));
  }
  const auto x = torch::randn({2, 5, 12});
  const auto parts = x.chunk(2, -1);
  EXPECT_TRUE(torch::equal(layers::geglu(x), parts[0] * torch::gelu(parts[1])));
  EXPECT_THROW(layers::geglu(torch::randn({2, 5})), Error);
}

TEST(FusedOps, CudaGroupNormAndSiluMatchLibtorchInEachDtypeAndLayout) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  if (!layers::fused_kernels_built()) FAIL() << "a CUDA build without the fused kernels (no CUDA compiler?)";
  torch::manual_seed(5);
  for (const auto& k : norm_cases()) {
    for (const auto dtype : {torch::kFloat32, torch::kFloat16, torch::kBFloat16}) {
      torch::nn::GroupNorm norm(torch::nn::GroupNormOptions(k.groups, k.sizes[1]).eps(1e-6));
      torch::NoGradGuard no_grad;
      norm->weight.uniform_(0.5, 1.5);
      norm->bias.uniform_(-0.5, 0.5);
      // An offset far from zero tests the statistics' cancellation.
      const auto base = (torch::randn(k.sizes) * 2 + 20).to(torch::kCUDA, dtype);
      torch::nn::GroupNorm ref_norm(torch::nn::GroupNormOptions(k.groups, k.sizes[1]).eps(1e-6));
      ref_norm->weight.copy_(norm->weight);
      ref_norm->bias.copy_(norm->bias);
      ref_norm->to(torch::kCUDA);
      norm->to(torch::kCUDA, dtype);
      std::vector<std::pair<std::string, torch::Tensor>> layouts{{"contiguous", base}};
      if (base.dim() == 4) layouts.emplace_back("channels-last", base.contiguous(torch::MemoryFormat::ChannelsLast));
      layouts.emplace_back("strided", base.transpose(0, 1).contiguous().transpose(0, 1));
      for (const auto& [layout, x] : layouts) {
        for (const bool silu : {false, true}) {
          const std::string name = fmt::format("group norm{} {} {} {} groups {}", silu ? " + SiLU" : "",
                                               io::format_shape(x.sizes()), c10::toString(dtype), k.groups, layout);
          const auto got = layers::group_norm(x, *norm, silu);
          auto want = ref_norm(x.to(torch::kFloat32));
          if (silu) want = torch::silu(want);
          EXPECT_EQ(got.scalar_type(), dtype) << name;
          EXPECT_TRUE(check_close(name, got.to(torch::kFloat32), want, kernel_tolerance(dtype)));
          if (layout == "channels-last") {
            EXPECT_TRUE(got.is_contiguous(torch::MemoryFormat::ChannelsLast)) << name;
          } else {
            EXPECT_TRUE(got.is_contiguous()) << name;
          }
        }
      }
    }
  }
}

TEST(FusedOps, CudaGegluMatchesLibtorchInEachDtype) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  if (!layers::fused_kernels_built()) FAIL() << "a CUDA build without the fused kernels (no CUDA compiler?)";
  torch::manual_seed(6);
  const auto dim = fixture_json("unet/unet/config.json")["block_out_channels"].at(0).get<std::int64_t>();
  // The fixture UNet's feed-forward (4 x its first width), SDXL's widest, and widths with no vector.
  for (const std::int64_t inner : {4 * dim, 5120L, 10L, 7L}) {
    for (const auto dtype : {torch::kFloat32, torch::kFloat16, torch::kBFloat16}) {
      const auto x = (torch::randn({2, 33, 2 * inner}) * 3).to(torch::kCUDA, dtype);
      const auto parts = x.to(torch::kFloat32).chunk(2, -1);
      const auto want = parts[0] * torch::gelu(parts[1]);
      const std::string name = fmt::format("GEGLU inner {} {}", inner, c10::toString(dtype));
      EXPECT_TRUE(check_close(name, layers::geglu(x).to(torch::kFloat32), want, kernel_tolerance(dtype)));
      // A view with row padding is copied first.
      const auto padded = torch::cat({x, x.narrow(-1, 0, 2)}, -1).narrow(-1, 0, 2 * inner);
      EXPECT_TRUE(check_close(name + " (strided)", layers::geglu(padded).to(torch::kFloat32), want,
                              kernel_tolerance(dtype)));
    }
  }
}

TEST(FusedOps, CudaFusedKernelsAndChannelsLastStayWithinFloat16ErrorOfTheUnfusedRun) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  FixtureCase run = fixture_run();
  PipelineEngine cpu(engine_fixture_paths(run.adapter), options("cpu", "float32", false));
  const auto ref = cpu.run(run.request, run.inputs, {}, nullptr, true);
  EngineOptions plain = options("cuda", "float16", true);
  plain.fused_kernels = false;
  plain.channels_last = false;
  PipelineEngine unfused(engine_fixture_paths(run.adapter), plain);
  const auto u = unfused.run(run.request, run.inputs, {}, nullptr, true);
  PipelineEngine fused(engine_fixture_paths(run.adapter), options("cuda", "float16", true));  // the defaults
  const auto f = fused.run(run.request, run.inputs, {}, nullptr, true);
  ASSERT_TRUE(layers::fused_kernels_on());  // switched on again when this engine loaded
  ASSERT_EQ(f.step_latents.at(0).size(), ref.step_latents.at(0).size());
  for (std::size_t i = 0; i < ref.step_latents[0].size(); ++i) {
    const std::string name = "step " + std::to_string(i) + " latents";
    EXPECT_TRUE(check_close(name + " (fused vs CPU float32)", f.step_latents[0][i], ref.step_latents[0][i], 1e-2));
    // Two float16 runs, each within 1e-2 of float32: measured 4.4e-3 apart on the H200.
    EXPECT_TRUE(check_close(name + " (fused vs unfused float16)", f.step_latents[0][i], u.step_latents[0][i], 1e-2));
  }
  EXPECT_TRUE(check_close_abs("image (fused vs CPU float32)", f.images, ref.images, kImageVsCpu));
  EXPECT_TRUE(check_close_abs("image (unfused vs CPU float32)", u.images, ref.images, kImageVsCpu));
  // The UNet's convolution weights are NHWC in the fused engine, as cuDNN runs them.
  const torch::Tensor w = fused.models().unet->named_parameters()["conv_in.weight"];
  EXPECT_TRUE(w.is_contiguous(torch::MemoryFormat::ChannelsLast));
}

}  // namespace poseforge::test
