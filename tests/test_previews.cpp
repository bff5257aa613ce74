// Live previews: the pacing that picks their interval (injected timings), LoopPreviews' choice of kind per
// step, the engine's previews at the promised steps, and the final picture untouched by them (CPU, and on
// CUDA with the previews on their own stream).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/loop_previews.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/preview_pacer.h"
#include "core/pipeline/stream_stamp.h"
#include "core/pipeline/taesd_preview.h"
#include "tests/support/fixtures.h"
#include "tests/support/pipeline_fixtures.h"

namespace poseforge::test {
namespace {

using pipeline::PreviewCost;
using pipeline::PreviewPacer;

PreviewCost cost(double preview_s, double step_s) {
  PreviewCost c;
  c.preview_s = preview_s;
  c.step_s = step_s;
  return c;
}

// The steps of a `steps`-step run at which `pacer` makes a preview, the costs fixed.
std::vector<int> paced_steps(PreviewPacer pacer, int steps, const PreviewCost& c) {
  std::vector<int> made;
  for (int step = 1; step <= steps; ++step) {
    if (!pacer.due(step, c)) continue;
    pacer.made(step);
    made.push_back(step);
  }
  return made;
}

// params.json's first run with a grey control image of its size (engine-only: no image files), no image prompt.
struct PreviewRun {
  pipeline::Request request;
  pipeline::Inputs inputs;
};
PreviewRun fixture_run(int steps) {
  PreviewRun r;
  r.request = fixture_request(fixture_json("pipeline/params.json")["runs"].at(0));
  r.request.seed = 3;
  r.request.steps = steps;
  r.request.pose_image = "(synthetic)";
  auto& c = r.inputs.control_image;
  c.width = r.request.width;
  c.height = r.request.height;
  c.channels = 3;
  c.pixels.assign(static_cast<std::size_t>(c.width) * c.height * 3, 40);
  return r;
}

pipeline::ModelPaths paths_with_taesd() {
  auto paths = engine_fixture_paths("");
  paths.taesd = fixture("formats/taesd/taesdxl");
  return paths;
}

pipeline::EngineOptions engine_options(const std::string& device, const std::string& dtype) {
  pipeline::EngineOptions o;
  o.device = device;
  o.dtype = dtype;
  o.memory = "resident";
  o.warm_up_side = 0;
  return o;
}

}  // namespace

TEST(PreviewPacer, WithoutMeasurementsEveryKStepsAndNoneAtTheLastStep) {
  // The full preview's promise: steps K, 2K, ... but not the last (the final picture follows it at once).
  EXPECT_EQ(paced_steps(PreviewPacer(5, 0.08, 30, false), 30, {}), (std::vector<int>{5, 10, 15, 20, 25}));
  EXPECT_EQ(paced_steps(PreviewPacer(5, 0.08, 31, false), 31, {}), (std::vector<int>{5, 10, 15, 20, 25, 30}));
  EXPECT_EQ(paced_steps(PreviewPacer(1, 0.02, 4, true), 4, {}), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_TRUE(paced_steps(PreviewPacer(0, 0.08, 30, false), 30, {}).empty());  // K = 0: never
  EXPECT_TRUE(paced_steps(PreviewPacer(40, 0.08, 30, false), 30, {}).empty());
}

TEST(PreviewPacer, IntervalKeepsTheMeasuredCostWithinTheBudgetAndNeverBelowK) {
  // the smallest n >= K with preview <= budget * n * step
  EXPECT_EQ(pipeline::paced_interval(1, 0.25, cost(1.0, 1.0)), 4);
  EXPECT_EQ(pipeline::paced_interval(5, 0.25, cost(1.0, 1.0)), 5);       // never more often than asked
  EXPECT_EQ(pipeline::paced_interval(1, 0.1, cost(0.3, 1.0)), 3);        // exactly on the budget: allowed
  EXPECT_EQ(pipeline::paced_interval(1, 0.1, cost(0.3001, 1.0)), 4);     // a little over: one step more
  EXPECT_EQ(pipeline::paced_interval(5, 0.08, cost(0.070, 0.062)), 15);  // a 1024x1024 VAE decode on an H200
  EXPECT_EQ(pipeline::paced_interval(1, 0.02, cost(0.0001, 0.062)), 1);  // the linear preview: every step
  EXPECT_EQ(pipeline::paced_interval(3, 0.0, cost(10.0, 1.0)), 3);       // budget 0: as asked
  EXPECT_EQ(pipeline::paced_interval(3, 0.1, cost(0.0, 1.0)), 3);        // not measured yet: as asked
  EXPECT_EQ(pipeline::paced_interval(3, 0.1, cost(1.0, 0.0)), 3);
  EXPECT_EQ(pipeline::paced_interval(0, 0.1, {}), 1);
  for (double preview : {0.001, 0.01, 0.07, 0.5, 3.0}) {
    for (double step : {0.01, 0.062, 1.0}) {
      for (int every : {1, 2, 5, 12}) {
        const int n = pipeline::paced_interval(every, 0.08, cost(preview, step));
        EXPECT_GE(n, every);
        EXPECT_LE(preview, 0.08 * n * step * (1 + 1e-9)) << preview << " " << step << " " << every;
        if (n > every) {
          EXPECT_GT(preview, 0.08 * (n - 1) * step);  // and no larger than it needs to be
        }
      }
    }
  }
}

TEST(PreviewPacer, PacedByTheInjectedTimingsStepPreviewsFromStepOne) {
  // A decode of 3 step-times with a budget of half the loop: 6 steps apart, from the start for full
  // previews (none at the last step); step previews from step 1 (a slider move shows something at once).
  EXPECT_EQ(paced_steps(PreviewPacer(2, 0.5, 20, false), 20, cost(3.0, 1.0)), (std::vector<int>{6, 12, 18}));
  EXPECT_TRUE(paced_steps(PreviewPacer(2, 0.5, 5, false), 5, cost(3.0, 1.0)).empty());  // shorter: within budget
  EXPECT_EQ(paced_steps(PreviewPacer(1, 0.5, 13, true), 13, cost(3.0, 1.0)), (std::vector<int>{1, 7, 13}));
  // slower previews, fewer of them; cheaper, as many as asked
  EXPECT_EQ(paced_steps(PreviewPacer(1, 0.5, 13, true), 13, cost(6.0, 1.0)), (std::vector<int>{1, 13}));
  EXPECT_EQ(paced_steps(PreviewPacer(4, 0.5, 13, false), 13, cost(0.5, 1.0)), (std::vector<int>{4, 8, 12}));
}

TEST(PreviewCost, StepIsTheFastestSeenPreviewFollowsTheLatest) {
  PreviewCost c;
  c.observe_step(0.07);
  c.observe_step(0.062);
  c.observe_step(0.09);  // a step slowed by a preview beside it
  EXPECT_DOUBLE_EQ(c.step_s, 0.062);
  c.observe_preview(0.08);
  EXPECT_DOUBLE_EQ(c.preview_s, 0.08);
  c.observe_preview(0.04);
  EXPECT_DOUBLE_EQ(c.preview_s, 0.06);
  c.observe_preview(0.0);  // nothing measured (an empty stamp): ignored
  c.observe_step(-1.0);
  EXPECT_DOUBLE_EQ(c.preview_s, 0.06);
  EXPECT_DOUBLE_EQ(c.step_s, 0.062);
  EXPECT_NE(pipeline::preview_cost_key("vae", 128, 128), pipeline::preview_cost_key("vae", 128, 96));
  EXPECT_NE(pipeline::preview_cost_key("vae", 128, 128), pipeline::preview_cost_key("taesd", 128, 128));
}

TEST(StreamStamp, CpuStampsAreReachedAtOnceAndTimedByTheHostClock) {
  const auto a = pipeline::StreamStamp::record(torch::Device(torch::kCPU));
  const auto b = pipeline::StreamStamp::record(torch::Device(torch::kCPU));
  EXPECT_TRUE(a.reached() && b.reached());
  EXPECT_GE(b.seconds_since(a), 0.0);
  const pipeline::StreamStamp empty;
  EXPECT_TRUE(empty.empty() && empty.reached());
  EXPECT_EQ(b.seconds_since(empty), 0.0);
  EXPECT_FALSE(pipeline::preview_stream(torch::kCPU).has_value());  // the CPU runs previews in order
}

TEST(LoopPreviews, EachStepGetsTheDueKindAndMeasuredCostsPaceLaterSteps) {
  // Fake makers on a 4x4 latent: which kind each step gets, from costs injected into the kept map.
  std::vector<std::string> made;
  pipeline::PreviewPlan plan;
  plan.full = [&](const torch::Tensor&) {
    made.push_back("full");
    return torch::zeros({8, 8, 3}, torch::kUInt8);
  };
  plan.step = [&](const torch::Tensor&) {
    made.push_back("step");
    return torch::zeros({4, 4, 3}, torch::kUInt8);
  };
  plan.full_every = 2;
  plan.full_budget = 0.5;
  plan.step_budget = 0.5;
  pipeline::PreviewCosts costs;
  costs[pipeline::preview_cost_key("vae", 4, 4)] = cost(3.0, 1.0);     // every 6 steps at most (asked 2)
  costs[pipeline::preview_cost_key("latent", 4, 4)] = cost(0.5, 1.0);  // every step
  const auto latents = torch::zeros({1, 4, 4, 4});
  {
    pipeline::LoopPreviews previews(plan, &costs, 10, 4, 4);
    EXPECT_FALSE(previews.after_step(0, latents, {}).bytes.defined());  // a call that completed no step
    std::vector<std::string> kinds;
    for (int step = 1; step <= 10; ++step) {
      const auto p = previews.after_step(step, latents, {});
      kinds.push_back(!p.bytes.defined() ? "-" : p.full ? "full" : "step");
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"step", "step", "step", "step", "step", "full", "step", "step", "step",
                                               "step"}));
    EXPECT_EQ(made.size(), 10u);
    EXPECT_TRUE(previews.pacing_note().empty());  // the costs were known from the start: nothing changed
  }
  // A measured step preview of 2 step-times (the latest counts half) paces the next run's step previews.
  pipeline::LoopPreviews previews(plan, &costs, 10, 4, 4);
  auto first = previews.after_step(1, latents, {});
  ASSERT_TRUE(first.bytes.defined() && !first.full && first.measured);
  first.measured(3.5);  // (0.5 + 3.5) / 2 = 2 step-times: every 4 steps
  EXPECT_DOUBLE_EQ(costs[pipeline::preview_cost_key("latent", 4, 4)].preview_s, 2.0);
  std::vector<int> steps;
  for (int step = 2; step <= 10; ++step) {
    const auto p = previews.after_step(step, latents, {});
    if (p.bytes.defined()) steps.push_back(step);
  }
  // step previews 4 steps apart (5 after 1), the full one at 6 counting for them too (so 10 after it)
  EXPECT_EQ(steps, (std::vector<int>{5, 6, 10}));
  EXPECT_NE(previews.pacing_note().find("step previews every 4 steps (asked 1)"), std::string::npos)
      << previews.pacing_note();
}

TEST(EnginePreviews, FullPreviewsAtTheirStepsAreTheVaeDecodeOfThoseLatentsTaesdElsewhere) {
  const PreviewRun run = fixture_run(6);
  auto options = engine_options("cpu", "float32");
  options.previews.full_every = 2;
  options.previews.full_budget = options.previews.step_budget = 0.0;  // as asked: the promise itself
  pipeline::PipelineEngine engine(paths_with_taesd(), options);
  std::vector<pipeline::Progress> seen;
  const auto out = engine.run(
      run.request, run.inputs, [&](const pipeline::Progress& p) { seen.push_back(p); }, nullptr, true);
  ASSERT_EQ(seen.size(), out.step_latents.at(0).size());
  auto& models = engine.models();
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const int step = static_cast<int>(i) + 1;
    const bool full = step % 2 == 0 && step < run.request.steps;  // none at the last step
    ASSERT_TRUE(seen[i].preview.has_value()) << "step " << step;
    EXPECT_EQ(seen[i].full_preview, full) << "step " << step;
    EXPECT_EQ(seen[i].preview->width, run.request.width);  // both kinds at the picture's size
    EXPECT_EQ(seen[i].preview->height, run.request.height);
    const auto& z = out.step_latents[0][i];
    torch::NoGradGuard no_grad;
    const auto expected = full ? pipeline::unit_hwc_to_image(pipeline::decoded_to_unit_hwc(
                                     models.vae->decode(models.vae->unscale_latents(z.to(models.vae_dtype))))[0])
                               : pipeline::bytes_hwc_to_image(pipeline::taesd_preview_bytes(*models.taesd, z));
    EXPECT_EQ(seen[i].preview->pixels, expected.pixels) << "step " << step;
  }
}

TEST(EnginePreviews, FinalPictureIsTheSameWithAndWithoutPreviews) {
  const PreviewRun run = fixture_run(4);
  auto options = engine_options("cpu", "float32");
  pipeline::PipelineEngine engine(paths_with_taesd(), options);
  const auto plain = engine.run(run.request, run.inputs);  // no progress callback: no previews at all
  pipeline::PreviewOptions every_kind;
  every_kind.full_every = 1;
  every_kind.full_budget = every_kind.step_budget = 0.0;
  for (const bool taesd : {true, false}) {
    every_kind.taesd = taesd;
    engine.set_previews(every_kind);
    int previews = 0;
    const auto with =
        engine.run(run.request, run.inputs, [&](const pipeline::Progress& p) { previews += p.preview ? 1 : 0; });
    EXPECT_EQ(previews, run.request.steps);
    EXPECT_TRUE(torch::equal(with.images, plain.images)) << (taesd ? "TAESD" : "linear") << " step previews";
  }
}

TEST(EnginePreviews, BadPreviewOptionsAreErrorsNamingThem) {
  auto options = engine_options("cpu", "float32");
  options.previews.full_every = -1;
  options.previews.step_budget = 1.5;
  try {
    pipeline::PipelineEngine engine(engine_fixture_paths(""), options);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("full preview interval -1"), std::string::npos) << what;
    EXPECT_NE(what.find("step preview budget 1.5"), std::string::npos) << what;
  }
  pipeline::PipelineEngine engine(engine_fixture_paths(""), engine_options("cpu", "float32"));
  pipeline::PreviewOptions bad;
  bad.full_budget = std::nan("");
  EXPECT_THROW(engine.set_previews(bad), Error);
  EXPECT_EQ(engine.previews().full_budget, pipeline::PreviewOptions().full_budget);  // unchanged
}

TEST(EnginePreviews, CudaPreviewsOnTheirOwnStreamLeaveThePictureBitForBitAndComeInOrder) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const PreviewRun run = fixture_run(6);
  for (const bool graphs : {true, false}) {
    auto options = engine_options("cuda", "float16");
    options.cuda_graphs = graphs;
    pipeline::PipelineEngine engine(paths_with_taesd(), options);
    const auto plain = engine.run(run.request, run.inputs);
    for (const bool own_stream : {true, false}) {
      pipeline::PreviewOptions previews;
      previews.full_every = 1;
      previews.full_budget = previews.step_budget = 0.0;
      previews.own_stream = own_stream;
      engine.set_previews(previews);
      std::vector<pipeline::Progress> seen;
      const auto with = engine.run(
          run.request, run.inputs, [&](const pipeline::Progress& p) { seen.push_back(p); }, nullptr, true);
      const std::string name = std::string(graphs ? "graphs" : "eager") + (own_stream ? ", own stream" : ", main");
      EXPECT_TRUE(torch::equal(with.images, plain.images)) << name;
      ASSERT_EQ(seen.size(), static_cast<std::size_t>(run.request.steps)) << name;
      auto& models = engine.models();
      for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].call, static_cast<int>(i) + 1) << name;
        ASSERT_TRUE(seen[i].preview.has_value()) << name;
        EXPECT_EQ(seen[i].full_preview, i + 1 < seen.size()) << name;
        if (!seen[i].full_preview) continue;
        // the side stream decoded the latents of its own step, not of a later one
        torch::NoGradGuard no_grad;
        const auto z = with.step_latents[0][i].to(torch::kCUDA);
        const auto expected = pipeline::unit_hwc_to_image(
            pipeline::decoded_to_unit_hwc(models.vae->decode(models.vae->unscale_latents(z.to(models.vae_dtype))))[0]);
        EXPECT_EQ(seen[i].preview->pixels, expected.pixels) << name << ", step " << i + 1;
      }
    }
  }
}

}  // namespace poseforge::test
