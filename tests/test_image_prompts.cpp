// Image-prompt control through the pipeline on the fixture models (start/end at the right calls, masks
// of zeros and ones, types, cached tokens, the negative image prompt) and the request and preset keys.
#include <algorithm>
#include <functional>
#include <iostream>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/ip_weight_type.h"
#include "core/pipeline/denoise_loop.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/request.h"
#include "core/presets/preset.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/pipeline_fixture.h"

using namespace poseforge;
using poseforge::diffusion::IpWeightType;
using poseforge::test::expect_error;
using poseforge::test::fixture;

namespace {

// The fixture pipeline, engine kept (caches) between runs.
struct PipelineCase {
  test::FixturePipelineRun run = test::fixture_pipeline_run(0);
  pipeline::PipelineEngine engine{test::engine_fixture_paths(run.adapter_file), test::fixture_cpu_float32()};

  pipeline::EngineOutput generate(const pipeline::Inputs& inputs) {
    auto request = run.request;
    request.image_prompts.resize(inputs.image_prompts.size(), request.image_prompts.front());
    return engine.run(request, inputs, {}, nullptr, /*keep_step_latents=*/true);
  }
  pipeline::Inputs without_prompts() const {
    auto in = run.inputs;
    in.image_prompts.clear();
    return in;
  }
  pipeline::Inputs with(const std::function<void(pipeline::Inputs::ImagePrompt&)>& change) const {
    auto in = run.inputs;
    change(in.image_prompts.front());
    return in;
  }
};

io::Image solid(int width, int height, std::uint8_t value) {
  io::Image image;
  image.width = width;
  image.height = height;
  image.channels = 3;
  image.pixels.assign(static_cast<std::size_t>(width) * height * 3, value);
  return image;
}

}  // namespace

TEST(ImagePromptPipeline, StartEndSwitchTheAdapterOnAndOffAtTheRightCalls) {
  PipelineCase t;
  // Enough calls for a switch inside the run: at least 4 steps, whatever the fixture run's step count.
  t.run.request.steps = std::max(t.run.request.steps, 4);
  const auto none = t.generate(t.without_prompts());
  const auto full = t.generate(t.run.inputs);
  const auto calls = static_cast<std::int64_t>(full.step_latents[0].size());
  ASSERT_GE(calls, 3);
  const double half = 0.5;
  for (const auto& [start, end] : {std::pair<double, double>{half, 1.0}, {0.0, half}}) {
    const auto out = t.generate(t.with([&](auto& p) { p.start = start, p.end = end; }));
    const auto keep = pipeline::controlnet_keep(calls, start, end);
    std::cout << "  start " << start << " end " << end << ":";
    bool diverged = false;
    for (std::int64_t i = 0; i < calls; ++i) {
      // Until the first call that differs from the plain runs, the latents are those runs' exactly.
      const auto& same_as = keep[i] > 0 ? full : none;
      const auto& steps = out.step_latents[0];
      const bool equal = torch::equal(steps[i], same_as.step_latents[0][i]);
      std::cout << " " << (keep[i] > 0 ? "on" : "off") << (equal ? "=" : "!");
      if (!diverged) {
        const bool switched = i > 0 && keep[i] != keep[i - 1];
        if (switched) {
          EXPECT_FALSE(equal) << "call " << i << " must follow the switch";
          diverged = true;
        } else {
          EXPECT_TRUE(equal) << "call " << i;
        }
      }
    }
    std::cout << "\n";
    EXPECT_TRUE(diverged);
  }
}

TEST(ImagePromptPipeline, MaskOfZerosEqualsNoImagePromptMaskOfOnesEqualsUnmasked) {
  PipelineCase t;
  const int w = t.run.request.width, h = t.run.request.height;  // the fixture's output size
  const auto none = t.generate(t.without_prompts());
  const auto full = t.generate(t.run.inputs);
  const auto zeros = t.generate(t.with([&](auto& p) { p.mask = solid(w, h, 0); }));
  const auto ones = t.generate(t.with([&](auto& p) { p.mask = solid(w, h, 255); }));
  ASSERT_GT((full.images - none.images).abs().max().item<float>(), 0.0f);
  for (std::size_t i = 0; i < none.step_latents[0].size(); ++i) {
    EXPECT_TRUE(torch::equal(zeros.step_latents[0][i], none.step_latents[0][i])) << "call " << i;
    EXPECT_TRUE(
        test::check_close("ones call " + std::to_string(i), ones.step_latents[0][i], full.step_latents[0][i], 1e-5));
  }
  EXPECT_TRUE(torch::equal(zeros.images, none.images));
  EXPECT_TRUE(test::check_close_abs("ones image", ones.images, full.images, 1e-5));
  // a mask at another size is resized to the output first
  const auto small = t.generate(t.with([&](auto& p) { p.mask = solid(w / 2 + 3, h / 2, 0); }));
  EXPECT_TRUE(torch::equal(small.images, none.images));
}

TEST(ImagePromptPipeline, StyleOnlyDiffersFromStandardAndAgreeingPromptsAverage) {
  PipelineCase t;
  const auto full = t.generate(t.run.inputs);
  const auto style = t.generate(t.with([](auto& p) { p.type = IpWeightType::Style; }));
  const auto none = t.generate(t.without_prompts());
  EXPECT_GT((style.images - full.images).abs().max().item<float>(), 0.0f);
  EXPECT_GT((style.images - none.images).abs().max().item<float>(), 0.0f);
  // two agreeing prompts of one image: the averaged embedding is that image's (the encoder's batch of
  // two rounds a little differently from a batch of one)
  auto twice = t.run.inputs;
  twice.image_prompts.push_back(twice.image_prompts.front());
  const double ip_effect = (full.images - none.images).abs().max().item<double>();
  EXPECT_GT(ip_effect, 1e-3);
  EXPECT_TRUE(test::check_close_abs("same image twice", t.generate(twice).images, full.images, 1e-4));
}

TEST(ImagePromptPipeline, ControlsReuseTheCachedTokens) {
  PipelineCase t;
  t.generate(t.run.inputs);
  const auto cached = t.engine.image_tokens(t.run.inputs.image_prompts);
  t.generate(t.with([](auto& p) {
    p.type = IpWeightType::StrongStyle;
    p.weight = 0.4;  // one prompt: its relative weight stays 1
    p.start = 0.25;
  }));
  EXPECT_EQ(t.engine.image_tokens(t.run.inputs.image_prompts).data_ptr(), cached.data_ptr());
}

TEST(ImagePromptPipeline, NegativeImagePromptReplacesTheZeros) {
  PipelineCase t;
  // The negative side only counts with classifier-free guidance: on, whatever the fixture run's guidance.
  t.run.request.guidance_scale = std::max(t.run.request.guidance_scale, 2.0);
  auto& models = t.engine.models();
  const bool hidden = models.ip_adapter->uses_hidden_states();
  const auto& image = t.run.inputs.image_prompts.front().image;
  io::Image negative = io::read_image_rgb(fixture("image_encoder/input_1.png"));
  const auto plain = models.image_encoder->embeds_cfg({{image, 1.0}}, hidden);
  const auto with = models.image_encoder->embeds_cfg({{image, 1.0}}, hidden, &negative);
  const auto own = models.image_encoder->embeds_cfg({{negative, 1.0}}, hidden);
  EXPECT_TRUE(torch::equal(with[1], plain[1]));  // the positive side is unchanged
  EXPECT_TRUE(test::check_close("negative side", with[0], own[1], 1e-6));
  EXPECT_GT(with[0].abs().max().item<float>(), 0.0f);
  const auto before = t.generate(t.run.inputs);
  auto inputs = t.run.inputs;
  inputs.negative_image_prompt = negative;
  const auto after = t.generate(inputs);
  EXPECT_GT((after.images - before.images).abs().max().item<float>(), 0.0f);
  // alone it is a request problem, not a silent no-op
  auto alone = t.without_prompts();
  alone.negative_image_prompt = negative;
  expect_error([&] { t.generate(alone); }, {"negative image prompt"});
}

TEST(ImagePromptRequest, EntriesCarryTypeStartEndMaskAndTodaysFormsStillRead) {
  const auto json = nlohmann::json::parse(R"({
    "input_image": "pose.png", "ip_negative_image": "neg.png",
    "ip_image": ["a.png", {"path": "b.png", "weight": 0.5},
                 {"path": "c.png", "weight": 0.8, "type": "Style transfer", "start": 0.2, "end": 0.9, "mask": "m.png"},
                 {"image": "d.png", "weight_type": "style_and_composition", "composition_weight": 0.3,
                  "start_at": 0.1, "end_at": 0.6}]})");
  const auto r = pipeline::Request::from_json(json, "/data/in");
  ASSERT_EQ(r.image_prompts.size(), 4u);
  EXPECT_EQ(r.image_prompts[0].type, IpWeightType::Standard);
  EXPECT_DOUBLE_EQ(r.image_prompts[1].weight, 0.5);
  EXPECT_DOUBLE_EQ(r.image_prompts[1].end, 1.0);
  const auto& c = r.image_prompts[2];
  EXPECT_EQ(c.type, IpWeightType::Style);
  EXPECT_DOUBLE_EQ(c.start, 0.2);
  EXPECT_DOUBLE_EQ(c.end, 0.9);
  EXPECT_EQ(c.mask, "/data/in/m.png");                      // resolved like the image
  EXPECT_DOUBLE_EQ(c.effective_composition_weight(), 0.8);  // defaults to the weight
  const auto& d = r.image_prompts[3];
  EXPECT_EQ(d.path, "/data/in/d.png");
  EXPECT_EQ(d.type, IpWeightType::StyleAndComposition);
  EXPECT_DOUBLE_EQ(d.effective_composition_weight(), 0.3);
  EXPECT_DOUBLE_EQ(d.start, 0.1);
  EXPECT_DOUBLE_EQ(d.end, 0.6);
  EXPECT_EQ(r.ip_negative_image, "/data/in/neg.png");
  EXPECT_TRUE(r.problems().empty());
  const auto again = pipeline::Request::from_json(r.to_json());
  EXPECT_EQ(again.to_json(), r.to_json());
  EXPECT_EQ(r.to_json()["ip_image"][2]["type"], "style");
  // the A1111 text names what differs from a plain prompt
  const auto text = r.a1111_parameters();
  EXPECT_NE(text.find("IP-Adapter 3: style 0.8 (0.2-0.9) masked"), std::string::npos) << text;
  EXPECT_NE(text.find("IP-Adapter 4: style_and_composition 1/0.3 (0.1-0.6)"), std::string::npos) << text;
  EXPECT_EQ(text.find("IP-Adapter 1:"), std::string::npos) << text;
  EXPECT_NE(text.find("IP negative image"), std::string::npos) << text;
}

TEST(ImagePromptRequest, BadEntriesAreNamed) {
  expect_error(
      [] {
        pipeline::Request::from_json({{"ip_image", {{{"path", "a.png"}, {"type", "ease"}}}}});
      },
      {"ip_image", "ease"});
  expect_error(
      [] {
        pipeline::Request::from_json({{"ip_image", {{{"path", "a.png"}, {"strength", 1}}}}});
      },
      {"ip_image", "strength"});
  expect_error(
      [] {
        pipeline::Request::from_json({{"ip_image", {{{"path", "a.png"}, {"start", "soon"}}}}});
      },
      {"start"});
  pipeline::Request r;
  r.pose_image = "p.png";
  r.image_prompts.push_back({"a.png", 1.0});
  r.image_prompts[0].start = 0.7;
  r.image_prompts[0].end = 0.3;
  r.image_prompts[0].composition_weight = -1.0;
  const auto problems = r.problems();
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("image prompt 1: start 0.7 / end 0.3"), std::string::npos) << all;
  EXPECT_NE(all.find("composition_weight -1"), std::string::npos) << all;
  r = pipeline::Request();
  r.pose_image = "p.png";
  r.ip_negative_image = "n.png";
  ASSERT_EQ(r.problems().size(), 1u);
  EXPECT_NE(r.problems()[0].find("ip_negative_image"), std::string::npos);
}

TEST(ImagePromptPresets, ControlsByPositionWithoutPicturesAndTheStyleTransferBuiltin) {
  pipeline::Request r;
  r.pose_image = "pose.png";
  r.image_prompts = {{"/pictures/a.png", 0.7}, {"/pictures/b.png", 1.0}};
  r.image_prompts[0].type = IpWeightType::StyleAndComposition;
  r.image_prompts[0].composition_weight = 0.2;
  r.image_prompts[0].mask = "/pictures/m.png";
  r.image_prompts[1].end = 0.5;
  r.ip_negative_image = "/pictures/n.png";
  const auto preset = presets::Preset::from_request("mine", r);
  const auto json = preset.to_json();
  ASSERT_EQ(json["image_prompts"].size(), 2u);
  EXPECT_FALSE(json["image_prompts"][0].contains("path"));
  EXPECT_FALSE(json["image_prompts"][0].contains("mask"));
  EXPECT_FALSE(json["settings"].contains("ip_negative_image"));  // an input, like the pictures
  const auto read = presets::Preset::from_json(json, "test");
  // applied to other pictures: the controls by position, the pictures and masks kept
  pipeline::Request other;
  other.image_prompts = {{"/other/x.png", 1.0}};
  other.image_prompts[0].mask = "/other/xm.png";
  read.apply_to(other);
  ASSERT_EQ(other.image_prompts.size(), 1u);
  EXPECT_EQ(other.image_prompts[0].path, "/other/x.png");
  EXPECT_EQ(other.image_prompts[0].mask, "/other/xm.png");
  EXPECT_EQ(other.image_prompts[0].type, IpWeightType::StyleAndComposition);
  EXPECT_DOUBLE_EQ(other.image_prompts[0].effective_composition_weight(), 0.2);
  EXPECT_DOUBLE_EQ(other.image_prompts[0].weight, 0.7);
  expect_error(
      [] {
        presets::Preset::from_json(
            {{"name", "x"}, {"settings", nlohmann::json::object()}, {"image_prompts", {{{"type", "nope"}}}}},
            "bad.json");
      },
      {"bad.json", "image_prompts entry 1", "nope"});
  // the built-in Style transfer preset makes the first image prompt InstantStyle's style-only
  bool found = false;
  for (const auto& p : presets::builtin_presets()) {
    if (p.name != "Style transfer") continue;
    found = true;
    ASSERT_FALSE(p.image_prompts.empty());
    EXPECT_EQ(p.image_prompts[0].type, IpWeightType::Style);
  }
  EXPECT_TRUE(found);
}
