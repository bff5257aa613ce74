// core/pipeline: the Pipeline end to end on the fixture models (parity with diffusers'
// StableDiffusionXLControlNetPipeline + IP-Adapter), determinism, cancellation, validation, caches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <stdexcept>

#include <fmt/format.h>
#include <iostream>

#include "core/diffusion/samplers/scheduler_class.h"
#include "core/error.h"
#include "core/io/image.h"
#include "core/io/safetensors.h"
#include "core/io/scheduler_config.h"
#include "core/pipeline/denoise_loop.h"
#include "core/pipeline/latent_preview.h"
#include "core/pipeline/model_files.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/progress_readback.h"
#include "core/pipeline/sampler_name.h"
#include "tests/support/expect_error.h"
#include "tests/support/pipeline_fixtures.h"
#include "tests/support/fixtures.h"
#include "tests/support/single_file_configs.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixture.h"

using namespace poseforge;
using namespace poseforge::pipeline;
using poseforge::test::expect_error;
using poseforge::test::fixture;
using poseforge::test::fixture_json;
using poseforge::test::engine_fixture_paths;
using poseforge::test::fixture_request;

namespace {

constexpr double kNetworkTolerance = 1e-3;  // fixtures README: networks, max|a-b| / max|b|
constexpr double kImageTolerance = 2e-3;    // fixtures README: final pipeline image, max|a-b|

// Prints the stats (for the report) and checks them.
void expect_close(const std::string& name, const torch::Tensor& actual, const torch::Tensor& expected, double tol,
                  bool relative = true) {
  const auto r =
      relative ? test::check_close(name, actual, expected, tol) : test::check_close_abs(name, actual, expected, tol);
  std::cout << "  " << r.message() << "\n";
  EXPECT_TRUE(r);
}

// The fixture pipeline (tests/support/pipeline_fixture.h), by the names this file uses.
using FixtureRun = test::FixturePipelineRun;
ModelPaths fixture_paths(const std::string& adapter_file) {
  return test::engine_fixture_paths(adapter_file);
}
EngineOptions cpu_float32() {
  return test::fixture_cpu_float32();
}
FixtureRun fixture_run(std::size_t index) {
  return test::fixture_pipeline_run(index);
}

// `single_file`: the UNet, VAE and text encoders from formats/single_file's checkpoint instead of the folders.
void check_parity(std::size_t index, bool single_file = false) {
  const FixtureRun run = fixture_run(index);
  std::cout << "run " << index << " (" << run.params["ip_adapter"].get<std::string>() << ")\n";
  io::SafetensorsFile expected(fixture(run.expected_file));
  ModelPaths paths = fixture_paths(run.params["ip_adapter"].get<std::string>());
  test::TempDir configs;
  if (single_file) {
    for (auto* p : {&paths.sdxl_components.unet, &paths.sdxl_components.vae, &paths.sdxl_components.text_encoder,
                    &paths.sdxl_components.text_encoder_2}) {
      p->clear();
    }
    paths.checkpoint = fixture("formats/single_file/sdxl_tiny.safetensors");
    paths.checkpoint_config = test::write_single_file_configs(configs.path());
  }
  PipelineEngine engine(paths, cpu_float32());
  const auto out = engine.run(run.request, run.inputs, {}, nullptr, /*keep_step_latents=*/true);

  // Conditioning, through the engine's caches.
  const auto& text = engine.prompt_embeddings(run.request.prompt, run.request.negative_prompt);
  expect_close("prompt_embeds", text.prompt_embeds, expected.tensor("prompt_embeds"), kNetworkTolerance);
  expect_close("negative_prompt_embeds", text.negative_prompt_embeds, expected.tensor("negative_prompt_embeds"),
               kNetworkTolerance);
  expect_close("pooled_prompt_embeds", text.pooled_prompt_embeds, expected.tensor("pooled_prompt_embeds"),
               kNetworkTolerance);
  expect_close("negative_pooled_prompt_embeds", text.negative_pooled_prompt_embeds,
               expected.tensor("negative_pooled_prompt_embeds"), kNetworkTolerance);
  auto& models = engine.models();
  ASSERT_TRUE(models.has_ip_adapter());
  const auto embeds = models.image_encoder->embeds_cfg({{run.inputs.image_prompts[0].image, 1.0}},
                                                       models.ip_adapter->uses_hidden_states());
  expect_close("ip_image_embeds_cfg", embeds, expected.tensor("ip_image_embeds_cfg"), kNetworkTolerance);

  // Every step's latents and the final image (float, before 8-bit).
  ASSERT_EQ(out.step_latents.size(), 1u);
  const auto& steps = out.step_latents[0];
  std::size_t expected_steps = 0;
  while (expected.contains("step_" + std::to_string(expected_steps) + ".latents")) ++expected_steps;
  ASSERT_EQ(steps.size(), expected_steps);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string key = "step_" + std::to_string(i) + ".latents";
    expect_close(key, steps[i], expected.tensor(key), kNetworkTolerance);
  }
  expect_close("image", out.images[0], expected.tensor("image"), kImageTolerance, /*relative=*/false);
}

// The index of the params.json run whose reference is `expected_file` (the runs may come in any order).
std::size_t run_index(const std::string& expected_file) {
  const auto runs = fixture_json("pipeline/params.json").at("runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (fixture_run(i).expected_file == expected_file) return i;
  }
  ADD_FAILURE() << "no run of pipeline/params.json is checked against " << expected_file;
  throw std::runtime_error("missing fixture run for " + expected_file);
}

// A small request on the fixture models with random start latents (no initial_latents). The step count and
// sampler are this helper's own (Euler: one model call a step), not the fixture run's.
FixtureRun seeded_run(std::int64_t seed) {
  FixtureRun r = fixture_run(0);
  r.inputs.initial_latents.clear();
  r.request.seed = seed;
  r.request.steps = 3;
  r.request.scheduler = "Euler";
  return r;
}

bool same_pixels(const io::Image& a, const io::Image& b) {
  return a.width == b.width && a.height == b.height && a.pixels == b.pixels;
}

}  // namespace

TEST(PipelineParity, BasicAdapterEveryStepAndImage) {
  check_parity(run_index("pipeline/expected_basic.safetensors"));
}

TEST(PipelineParity, PlusAdapterEveryStepAndImage) {
  check_parity(run_index("pipeline/expected_plus.safetensors"));
}

TEST(PipelineParity, SingleFileCheckpointEveryStepAndImage) {
  check_parity(0, /*single_file=*/true);
}

TEST(PipelineLoras, MergedUndoneExactlyAndPromptTagsEqualRequestLoras) {
  const auto lora = fixture("formats/lora/lora_kohya.safetensors");
  const double weight = fixture_json("formats/lora/params.json").at("weight").get<double>();
  FixtureRun r = seeded_run(5);
  ModelPaths paths = fixture_paths(r.params["ip_adapter"].get<std::string>());
  paths.loras_dir = lora.parent_path();
  Pipeline pipeline(paths, cpu_float32());
  const auto plain = pipeline.generate(r.request, r.inputs);
  Request with = r.request;
  with.loras = {{lora.string(), weight}};
  const auto merged = pipeline.generate(with, r.inputs);
  EXPECT_FALSE(same_pixels(plain.images[0], merged.images[0]));
  EXPECT_EQ(merged.request.loras, with.loras);
  // the same LoRA as an A1111 tag in the prompt, by name in loras_dir
  Request tagged = r.request;
  tagged.prompt = fmt::format("{} <lora:{}:{}>", r.request.prompt, lora.stem().string(), weight);
  const auto by_tag = pipeline.generate(tagged, r.inputs);
  EXPECT_TRUE(same_pixels(merged.images[0], by_tag.images[0]));
  EXPECT_EQ(by_tag.request.prompt, tagged.prompt);  // the request keeps its tag
  // no LoRA again: the original weights, the original pixels
  EXPECT_TRUE(same_pixels(plain.images[0], pipeline.generate(r.request, r.inputs).images[0]));
  Request unknown = r.request;
  unknown.loras = {{"no_such_lora", 1.0}};
  test::expect_error([&] { pipeline.generate(unknown, r.inputs); }, {"LoRA 'no_such_lora' not found", "lora"});
}

TEST(LoraPromptTags, TakenOutWithWeights) {
  const auto p = extract_lora_tags("a dancer <lora:detail:0.8>, stage <lora:style> light");
  EXPECT_EQ(p.prompt, "a dancer , stage  light");
  ASSERT_EQ(p.loras.size(), 2u);
  EXPECT_EQ(p.loras[0], (LoraRequest{"detail", 0.8}));
  EXPECT_EQ(p.loras[1], (LoraRequest{"style", 1.0}));
  test::expect_error([] { extract_lora_tags("<lora:x:lots>"); }, {"<lora:x:lots>", "not a number"});
}

TEST(Pipeline, SameSeedSamePixelsOtherSeedOtherPixels) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  const auto a = seeded_run(1234);
  const auto r1 = pipeline.generate(a.request, a.inputs);
  const auto r2 = pipeline.generate(a.request, a.inputs);
  ASSERT_EQ(r1.images.size(), 1u);
  EXPECT_EQ(r1.images[0].width, a.request.width);
  EXPECT_EQ(r1.images[0].height, a.request.height);
  EXPECT_EQ(r1.images[0].channels, 3);
  EXPECT_TRUE(same_pixels(r1.images[0], r2.images[0]));
  EXPECT_EQ(r1.seeds, std::vector<std::int64_t>{1234});
  EXPECT_EQ(r1.request.seed, 1234);
  EXPECT_EQ(r1.step_seconds.size(), static_cast<std::size_t>(a.request.steps));
  EXPECT_EQ(r1.sigmas.size(), static_cast<std::size_t>(a.request.steps));
  EXPECT_EQ(r1.device, "cpu, float32");
  const auto r3 = pipeline.generate(seeded_run(1235).request, a.inputs);
  EXPECT_FALSE(same_pixels(r1.images[0], r3.images[0]));
}

TEST(Pipeline, SamplesUseConsecutiveSeedsAndRandomSeedIsResolved) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(77);
  run.request.samples = 2;
  const auto both = pipeline.generate(run.request, run.inputs);
  ASSERT_EQ(both.images.size(), 2u);
  EXPECT_EQ(both.seeds, (std::vector<std::int64_t>{77, 78}));
  EXPECT_FALSE(same_pixels(both.images[0], both.images[1]));
  const auto second = pipeline.generate(seeded_run(78).request, run.inputs);
  EXPECT_TRUE(same_pixels(both.images[1], second.images[0]));
  run.request.samples = 1;
  run.request.seed = -1;
  const auto random = pipeline.generate(run.request, run.inputs);
  EXPECT_GE(random.request.seed, 0);
  EXPECT_EQ(random.seeds.front(), random.request.seed);
}

TEST(Pipeline, ProgressEveryCallWithPreviewOfLatentSize) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), test::unpaced(cpu_float32()));
  const auto run = seeded_run(5);
  std::vector<Progress> seen;
  pipeline.generate(run.request, run.inputs, [&](const Progress& p) { seen.push_back(p); });
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(run.request.steps));  // Euler: one call a step
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].call, static_cast<int>(i + 1));
    EXPECT_EQ(seen[i].calls, run.request.steps);
    EXPECT_EQ(seen[i].step, static_cast<int>(i + 1));
    EXPECT_EQ(seen[i].steps, run.request.steps);
    if (i > 0) {
      EXPECT_GE(seen[i].elapsed_s, seen[i - 1].elapsed_s);
    }
    ASSERT_TRUE(seen[i].preview.has_value());
    EXPECT_EQ(seen[i].preview->width, run.request.width / test::fixture_vae_scale_factor());
    EXPECT_EQ(seen[i].preview->height, run.request.height / test::fixture_vae_scale_factor());
  }
  EXPECT_GT(seen.front().sigma, seen.back().sigma);
  EXPECT_EQ(seen.back().eta_s, 0.0);
}

TEST(Pipeline, PreviewsAreTheLatentsOfEachCall) {
  // The asynchronous read-back delivers the same pixels as the synchronous latent_preview of each step.
  PipelineEngine engine(fixture_paths("ip-adapter_tiny.safetensors"), test::unpaced(cpu_float32()));
  const auto run = seeded_run(5);
  std::vector<Progress> seen;
  const auto out =
      engine.run(run.request, run.inputs, [&](const Progress& p) { seen.push_back(p); }, nullptr, true);
  ASSERT_EQ(seen.size(), out.step_latents.front().size());
  EXPECT_EQ(engine.device_description(), "cpu, float32");  // no GPU name on the CPU
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const auto expected = latent_preview(out.step_latents.front()[i]);
    ASSERT_TRUE(expected.has_value() && seen[i].preview.has_value());
    EXPECT_TRUE(same_pixels(*seen[i].preview, *expected)) << "call " << i + 1;
  }
}

TEST(ProgressReadback, CpuDeliversEachPushInOrderWithItsPixels) {
  std::vector<Progress> seen;
  int stamped = 0;
  ProgressReadback readback([&](const Progress& p) { seen.push_back(p); },
                            [&](Progress& p) { p.elapsed_s = ++stamped; });
  torch::manual_seed(3);
  std::vector<torch::Tensor> latents;
  for (int i = 0; i < 4; ++i) {
    latents.push_back(torch::randn({1, 4, 5, 7}));
    Progress p;
    p.call = i + 1;
    readback.push(p, i == 2 ? torch::Tensor() : latent_preview_bytes(latents.back()));
    EXPECT_EQ(readback.pending(), 0u);  // on the CPU: delivered before push returns
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(i + 1));
  }
  readback.flush();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(seen[i].call, i + 1);
    EXPECT_EQ(seen[i].elapsed_s, i + 1.0);  // stamped at delivery, in order
    if (i == 2) {
      EXPECT_FALSE(seen[i].preview.has_value());
      continue;
    }
    ASSERT_TRUE(seen[i].preview.has_value());
    EXPECT_EQ(seen[i].preview->width, 7);
    EXPECT_EQ(seen[i].preview->height, 5);
    EXPECT_TRUE(same_pixels(*seen[i].preview, *latent_preview(latents[i])));
  }
}

TEST(ProgressReadback, CudaDeliversEverythingInOrderByTheFlush) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  std::vector<Progress> seen;
  ProgressReadback readback([&](const Progress& p) { seen.push_back(p); });
  torch::manual_seed(4);
  std::vector<torch::Tensor> latents;
  for (int i = 0; i < 8; ++i) {
    latents.push_back(torch::randn({1, 4, 64, 64}).to(torch::kCUDA));
    Progress p;
    p.call = i + 1;
    readback.push(p, latent_preview_bytes(latents.back()));
  }
  readback.flush();
  EXPECT_EQ(readback.pending(), 0u);
  ASSERT_EQ(seen.size(), latents.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].call, static_cast<int>(i + 1));
    ASSERT_TRUE(seen[i].preview.has_value());
    EXPECT_TRUE(same_pixels(*seen[i].preview, *latent_preview(latents[i])));  // the synchronous path
  }
}

TEST(Pipeline, SecondOrderAndAncestralSamplers) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(11);
  run.request.scheduler = "heun";
  std::vector<Progress> seen;
  pipeline.generate(run.request, run.inputs, [&](const Progress& p) { seen.push_back(p); });
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(2 * run.request.steps - 1));  // diffusers' Heun: 2N-1 calls
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].step, seen[i - 1].step);
  EXPECT_EQ(seen.back().step, run.request.steps);
  EXPECT_EQ(seen.back().call, seen.back().calls);
  // Ancestral: the step noise comes from the seeded generator too.
  run.request.scheduler = "Euler a";
  const auto a = pipeline.generate(run.request, run.inputs);
  const auto b = pipeline.generate(run.request, run.inputs);
  EXPECT_TRUE(same_pixels(a.images[0], b.images[0]));
}

TEST(Pipeline, SizesOtherThanTheControlImageAndOddLatentSizes) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(8);
  run.request.width = 136;  // latent 17 wide: the UNet's down/up sampling must round-trip an odd size
  run.request.height = 96;  // the 128x128 pose image is resized
  const auto result = pipeline.generate(run.request, run.inputs);
  EXPECT_EQ(result.images[0].width, 136);
  EXPECT_EQ(result.images[0].height, 96);
}

TEST(Pipeline, LowVramGivesTheSamePixels) {
  EngineOptions low = cpu_float32();
  low.low_vram = true;
  Pipeline normal(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  Pipeline saving(fixture_paths("ip-adapter_tiny.safetensors"), low);
  const auto run = seeded_run(21);
  EXPECT_TRUE(same_pixels(normal.generate(run.request, run.inputs).images[0],
                          saving.generate(run.request, run.inputs).images[0]));
}

TEST(Pipeline, FullPreviewEveryKStepsHasImageSize) {
  EngineOptions options = test::unpaced(cpu_float32());
  options.previews.full_every = 2;
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), options);
  const auto run = seeded_run(5);
  ASSERT_GE(run.request.steps, 3) << "the fixture run needs a full preview step and a last step after it";
  std::vector<int> widths;
  std::vector<bool> full;
  pipeline.generate(run.request, run.inputs, [&](const Progress& p) {
    widths.push_back(p.preview->width);
    full.push_back(p.full_preview);
  });
  // Steps K, 2K, ... get the VAE decode at image size; the others, and the last (its picture follows at
  // once), the linear preview at latent size.
  const int w = run.request.width, small = w / test::fixture_vae_scale_factor();
  std::vector<int> expected;
  for (int step = 1; step <= run.request.steps; ++step) {
    expected.push_back(step % 2 == 0 && step < run.request.steps ? w : small);
    EXPECT_EQ(full[step - 1], expected.back() == w) << "step " << step;
  }
  EXPECT_EQ(widths, expected);
}

TEST(Pipeline, CancelFromProgressThrowsCancelledAndPipelineStaysUsable) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  const auto run = seeded_run(9);
  std::atomic<bool> cancel{false};
  int calls = 0;
  try {
    pipeline.generate(
        run.request, run.inputs,
        [&](const Progress& p) {
          calls = p.call;
          if (p.call == 2) cancel = true;
        },
        &cancel);
    ADD_FAILURE() << "expected Cancelled";
  } catch (const Cancelled&) {
  }
  EXPECT_EQ(calls, 2);
  const auto after = pipeline.generate(run.request, run.inputs);
  const auto again = pipeline.generate(run.request, run.inputs);
  EXPECT_TRUE(same_pixels(after.images[0], again.images[0]));
}

TEST(Pipeline, BadRequestsFailBeforeAnyModelLoads) {
  Pipeline pipeline(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  const auto run = seeded_run(1);
  auto bad = run.request;
  bad.steps = 0;
  expect_error([&] { pipeline.generate(bad, run.inputs); }, {"invalid request", "num_inference_steps is 0"});
  bad = run.request;
  bad.scheduler = "Eulerish";
  expect_error([&] { pipeline.generate(bad, run.inputs); }, {"unknown scheduler 'Eulerish'", "DPM++ 2M Karras"});
  bad = run.request;
  bad.width = 100;
  expect_error([&] { pipeline.generate(bad, run.inputs); }, {"width is 100", "multiple of 8"});
  Inputs no_control = run.inputs;
  no_control.control_image = {};
  expect_error([&] { pipeline.generate(run.request, no_control); }, {"no control image"});
  EXPECT_FALSE(pipeline.loaded());
  Inputs bad_latents = run.inputs;
  bad_latents.initial_latents.assign(10, 0.0f);
  expect_error([&] { pipeline.generate(run.request, bad_latents); }, {"initial_latents has 10 values"});
}

TEST(Pipeline, ImagePromptsNeedAnAdapterAndRunWithoutOne) {
  Pipeline pipeline(fixture_paths(""), cpu_float32());
  auto run = seeded_run(3);
  expect_error([&] { pipeline.generate(run.request, run.inputs); }, {"no IP-Adapter is configured"});
  run.inputs.image_prompts.clear();
  run.request.image_prompts.clear();
  run.request.guidance_scale = 1.0;  // no classifier-free guidance: batch of 1
  const auto result = pipeline.generate(run.request, run.inputs);
  EXPECT_EQ(result.images.size(), 1u);
}

// Guidance 1 turns classifier-free guidance off: every UNet and ControlNet call runs one batch, not two.
TEST(PipelineEngine, GuidanceOneRunsUNetAndControlNetOnOneBatch) {
  PipelineEngine engine(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(5);
  run.request.guidance_scale = 5.0;  // classifier-free guidance on, whatever the fixture run's guidance
  run.request.control_end = 0.5;     // ControlNet off for the later calls
  const auto calls = [](const EngineOutput& out, std::int64_t batch) {
    return std::vector<std::int64_t>(out.sigmas.size(), batch);
  };
  const auto with_cfg = engine.run(run.request, run.inputs);
  EXPECT_EQ(with_cfg.unet_batches, calls(with_cfg, 2));
  ASSERT_FALSE(with_cfg.controlnet_batches.empty());
  EXPECT_LT(with_cfg.controlnet_batches.size(), with_cfg.unet_batches.size());
  for (auto b : with_cfg.controlnet_batches) EXPECT_EQ(b, 2);
  run.request.guidance_scale = 1.0;
  const auto without = engine.run(run.request, run.inputs);
  EXPECT_EQ(without.unet_batches, calls(without, 1));
  EXPECT_EQ(without.controlnet_batches.size(), with_cfg.controlnet_batches.size());
  for (auto b : without.controlnet_batches) EXPECT_EQ(b, 1);
}

// The request's schedule reaches the sampler: SGM Uniform starts at the last training timestep's sigma
// (the largest), Model default runs the folder's class; a schedule the sampler cannot run is an Error.
TEST(PipelineEngine, ScheduleOfTheRequestDrivesTheSampler) {
  PipelineEngine engine(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(6);
  run.request.scheduler = "Euler";
  const auto automatic = engine.run(run.request, run.inputs);
  run.request.schedule = "SGM Uniform";
  const auto trailing = engine.run(run.request, run.inputs);
  ASSERT_EQ(trailing.sigmas.size(), automatic.sigmas.size());
  EXPECT_GT(trailing.sigmas.front(), automatic.sigmas.front());
  run.request.schedule = "Karras";
  const auto karras = engine.run(run.request, run.inputs);
  EXPECT_NE(karras.sigmas, automatic.sigmas);
  // Model default: the folder's scheduler_config.json class and schedule, whatever the sampler says.
  const auto folder_config = io::SchedulerConfig::load(fixture("pipeline/scheduler_config.json"));
  const auto folder = samplers::sampler_for_config(folder_config);
  run.request.scheduler = folder.sampler;
  run.request.schedule = samplers::schedule_name(folder.schedule);
  const auto folders_own = engine.run(run.request, run.inputs);
  run.request.schedule = "Model default";
  run.request.scheduler = folder.sampler == "DDIM" ? "Euler" : "DDIM";
  EXPECT_EQ(engine.run(run.request, run.inputs).sigmas, folders_own.sigmas);
  run.request.scheduler = "DDIM";
  run.request.schedule = "Exponential";
  expect_error([&] { engine.run(run.request, run.inputs); }, {"'Exponential'", "'DDIM'"});
  run.request.schedule = "sideways";
  const auto problems = engine.problems(run.request, run.inputs);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("unknown schedule 'sideways'"), std::string::npos);
}

TEST(PipelineEngine, CachesReuseConditioningAndOnlyTheLoopReruns) {
  PipelineEngine engine(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  const auto run = seeded_run(2);
  const auto* text = &engine.prompt_embeddings("a cat", "");
  EXPECT_EQ(&engine.prompt_embeddings("a cat", ""), text);
  EXPECT_TRUE(text->negative_prompt_embeds.abs().max().item<float>() == 0.0f);  // empty negative = absent = zeros
  const auto data = text->prompt_embeds.data_ptr();
  EXPECT_NE(engine.prompt_embeddings("a dog", "").prompt_embeds.data_ptr(), data);
  const auto tokens = engine.image_tokens(run.inputs.image_prompts);
  EXPECT_EQ(engine.image_tokens(run.inputs.image_prompts).data_ptr(), tokens.data_ptr());
  auto reweighted = run.inputs.image_prompts;
  reweighted.push_back(reweighted.front());
  EXPECT_NE(engine.image_tokens(reweighted).data_ptr(), tokens.data_ptr());
  const auto control = engine.control_tensor(run.inputs.control_image, 128, 128);
  EXPECT_EQ(engine.control_tensor(run.inputs.control_image, 128, 128).data_ptr(), control.data_ptr());
  EXPECT_EQ(engine.control_tensor(run.inputs.control_image, 64, 64).sizes().vec(),
            (std::vector<std::int64_t>{1, 3, 64, 64}));
  // A slider change: other scales and steps give another image from the same cached conditioning.
  auto request = run.request;
  const auto a = engine.run(request, run.inputs);
  request.ip_adapter_scale = 0.0;
  request.controlnet_scale = 1.5;
  const auto b = engine.run(request, run.inputs);
  EXPECT_GT((a.images - b.images).abs().max().item<float>(), 0.0f);
}

TEST(PipelineEngine, ControlStartEndLikeDiffusers) {
  // diffusers: keep[i] = 1 - (i/n < start or (i+1)/n > end)
  EXPECT_EQ(controlnet_keep(4, 0.0, 1.0), (std::vector<double>{1, 1, 1, 1}));
  EXPECT_EQ(controlnet_keep(4, 0.25, 0.75), (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(controlnet_keep(5, 0.0, 0.5), (std::vector<double>{1, 1, 0, 0, 0}));
}

TEST(PipelineEngine, ControlEndChangesTheResult) {
  PipelineEngine engine(fixture_paths("ip-adapter_tiny.safetensors"), cpu_float32());
  auto run = seeded_run(4);
  const auto full = engine.run(run.request, run.inputs);
  run.request.control_end = 0.5;
  const auto half = engine.run(run.request, run.inputs);
  EXPECT_GT((full.images - half.images).abs().max().item<float>(), 0.0f);
}

TEST(SamplerNames, CaseInsensitiveAndAliases) {
  EXPECT_EQ(canonical_sampler_name("euler"), "Euler");
  EXPECT_EQ(canonical_sampler_name("EULER A"), "Euler a");
  EXPECT_EQ(canonical_sampler_name("k_euler_a"), "Euler a");
  EXPECT_EQ(canonical_sampler_name("EulerAncestralDiscreteScheduler"), "Euler a");
  EXPECT_EQ(canonical_sampler_name("dpmpp_2m_karras"), "DPM++ 2M Karras");
  EXPECT_EQ(canonical_sampler_name("DPM Multi"), "DPM++ 2M");
  EXPECT_EQ(canonical_sampler_name("dpm2_karras"), "DPM2 Karras");
  EXPECT_EQ(canonical_sampler_name("UniPCMultistepScheduler"), "UniPC");
  expect_error([] { canonical_sampler_name("nope"); }, {"unknown scheduler 'nope'", "'Euler a'"});
  EXPECT_EQ(canonical_sampler_name("k_dpm_2_a"), "DPM2 a");
  EXPECT_EQ(canonical_sampler_name("LCMScheduler"), "LCM");
  EXPECT_EQ(canonical_schedule_name("sgm_uniform"), "SGM Uniform");
  EXPECT_EQ(canonical_schedule_name("KARRAS"), "Karras");
  EXPECT_EQ(sampler_problems("Euler", "Karras").size(), 0u);
  EXPECT_EQ(sampler_problems("nope", "also nope").size(), 2u);
}

TEST(ModelPaths, ComponentsOverrideTheSdxlFolder) {
  const auto paths = fixture_paths("ip-adapter_tiny.safetensors");
  EXPECT_TRUE(paths.problems(true, false).empty()) << paths.problems(true, false).front();
  auto broken = paths;
  broken.sdxl_components.vae = paths.sdxl_components.vae / "missing";
  const auto problems = broken.problems(true, false);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("SDXL VAE"), std::string::npos) << problems[0];
  expect_error([&] { Pipeline p(broken, cpu_float32()); }, {"SDXL VAE", "missing"});
  const auto parts = SdxlComponents::diffusers("/m");
  EXPECT_EQ(parts.scheduler_config, std::filesystem::path("/m/scheduler/scheduler_config.json"));
}
