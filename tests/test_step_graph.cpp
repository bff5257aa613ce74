// The denoising call replayed as a CUDA graph, and the load-time warm-up: float16 on CUDA with graphs
// stays within float16 error of float32 on the CPU, and of the eager float16 run (fixture models).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/step_graph.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixtures.h"

namespace poseforge::test {
namespace {

using pipeline::EngineOptions;
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

EngineOptions options(const std::string& device, const std::string& dtype, bool graphs) {
  EngineOptions o;
  o.device = device;
  o.dtype = dtype;
  o.cuda_graphs = graphs;
  return o;
}

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
  EXPECT_TRUE(check_close_abs("image (graph vs CPU float32)", g.images, ref.images, 2e-2));
  // A slider move (new scales, same shapes) replays the same graph with the new values.
  run.request.controlnet_scale *= 0.5;
  run.request.guidance_scale += 1.0;
  run.request.ip_adapter_scale *= 0.5;
  const auto ref2 = cpu.run(run.request, run.inputs);
  const auto g2 = graphed.run(run.request, run.inputs);
  EXPECT_TRUE(check_close_abs("image after a slider move (graph vs CPU float32)", g2.images, ref2.images, 2e-2));
  EXPECT_FALSE(torch::equal(g.images, g2.images));
}

}  // namespace poseforge::test
