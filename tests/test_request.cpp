// pipeline::Request: Segmind-named JSON, aliases, validation messages, A1111 parameter text.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/pipeline/request.h"

using poseforge::Error;
using poseforge::pipeline::Request;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Request, ReadsSegmindKeysAndAliases) {
  const auto json = nlohmann::json::parse(R"({
    "image": "pose.png", "ip_image": ["a.png", {"path": "b.png", "weight": 0.5}],
    "prompt": "a dancer", "negative_prompt": "blurry", "samples": 2, "scheduler": "Euler a",
    "num_inference_steps": 25, "guidance_scale": 5.5, "seed": 42, "ip_adapter_scale": 0.7,
    "controlnet_scale": 0.9, "control_start": 0.1, "control_end": 0.8, "width": 832, "height": 1216,
    "base64": true})");
  const Request r = Request::from_json(json, "/data/in");
  EXPECT_EQ(r.pose_image, "/data/in/pose.png");  // relative paths resolve against the request's folder
  ASSERT_EQ(r.image_prompts.size(), 2u);
  EXPECT_EQ(r.image_prompts[0].path, "/data/in/a.png");
  EXPECT_DOUBLE_EQ(r.image_prompts[0].weight, 1.0);
  EXPECT_DOUBLE_EQ(r.image_prompts[1].weight, 0.5);
  EXPECT_EQ(r.samples, 2);
  EXPECT_EQ(r.scheduler, "Euler a");
  EXPECT_EQ(r.steps, 25);
  EXPECT_EQ(r.seed, 42);
  EXPECT_DOUBLE_EQ(r.control_end, 0.8);
  EXPECT_EQ(r.width, 832);
  EXPECT_TRUE(r.base64);
  EXPECT_TRUE(r.problems().empty());
  // Round trip through our canonical keys.
  const Request again = Request::from_json(r.to_json());
  EXPECT_EQ(again.to_json(), r.to_json());
}

TEST(Request, InlineBase64ImagesAreNotPaths) {
  const std::string raw(96, 'A');  // raw base64, as Segmind's API accepts
  const std::string url = "data:image/png;base64," + raw;
  const Request r = Request::from_json({{"input_image", raw}, {"ip_image", url}}, "/data/in");
  EXPECT_EQ(r.pose_image, raw);
  ASSERT_EQ(r.image_prompts.size(), 1u);
  EXPECT_EQ(r.image_prompts[0].path, url);
}

TEST(Request, NullMeansDefault) {
  const Request r = Request::from_json(nlohmann::json::parse(R"({"input_image": "p.png", "seed": null})"));
  EXPECT_EQ(r.seed, -1);
  EXPECT_TRUE(r.problems().empty());
}

TEST(Request, UnknownKeysAndWrongTypesAreNamed) {
  EXPECT_NE(error_of([] { Request::from_json({{"stepz", 3}}); }).find("unknown request key 'stepz'"), std::string::npos);
  EXPECT_NE(error_of([] { Request::from_json({{"num_inference_steps", "many"}}); }).find("'num_inference_steps'"),
            std::string::npos);
  EXPECT_NE(error_of([] { Request::from_json(nlohmann::json::array()); }).find("JSON object"), std::string::npos);
}

TEST(Request, ValidationListsEveryProblem) {
  Request r;
  r.steps = 0;
  r.width = 1001;
  r.samples = 9;
  r.control_start = 0.9;
  r.control_end = 0.5;
  r.image_prompts.push_back({"x.png", 0.0});
  const std::string msg = error_of([&] { r.validate(); });
  for (const char* part : {"no pose", "num_inference_steps is 0", "width is 1001", "samples is 9", "control_start 0.9",
                           "weight 0"}) {
    EXPECT_NE(msg.find(part), std::string::npos) << part << " not in: " << msg;
  }
  r = Request();
  r.pose_json = "pose.json";
  EXPECT_NO_THROW(r.validate());
}

TEST(Request, A1111ParametersText) {
  Request r;
  r.prompt = "a dancer";
  r.negative_prompt = "blurry";
  r.steps = 20;
  r.seed = 7;
  const std::string text = r.a1111_parameters();
  EXPECT_EQ(text.rfind("a dancer\nNegative prompt: blurry\nSteps: 20, Sampler: ", 0), 0u) << text;
  EXPECT_NE(text.find("Seed: 7"), std::string::npos);
  EXPECT_NE(text.find("Size: 1024x1024"), std::string::npos);
}

TEST(Request, CheckpointVaeAndLorasRoundTripAndAreChecked) {
  const auto r = Request::from_json(
      nlohmann::json::parse(R"({"input_image": "p.png", "checkpoint": "juggernaut", "vae": "vae/sdxl_vae.safetensors",
                                "loras": ["detail", {"path": "sub/style.safetensors", "weight": 0.5}]})"),
      "/base");
  EXPECT_EQ(r.checkpoint, "juggernaut");  // a bare name stays a name (looked up in <models>/checkpoints)
  EXPECT_EQ(r.vae, "/base/vae/sdxl_vae.safetensors");
  ASSERT_EQ(r.loras.size(), 2u);
  EXPECT_EQ(r.loras[0], (poseforge::pipeline::LoraRequest{"detail", 1.0}));
  EXPECT_EQ(r.loras[1], (poseforge::pipeline::LoraRequest{"/base/sub/style.safetensors", 0.5}));
  const auto again = Request::from_json(r.to_json());
  EXPECT_EQ(again.loras, r.loras);
  EXPECT_EQ(again.checkpoint, r.checkpoint);
  EXPECT_EQ(again.vae, r.vae);
  const std::string text = r.a1111_parameters();
  EXPECT_NE(text.find(", Model: juggernaut, VAE: sdxl_vae, Lora: detail:1 style:0.5"), std::string::npos) << text;
  Request bad = r;
  bad.loras.push_back({"", 20.0});
  const auto problems = bad.problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("LoRA 3 has no path"), std::string::npos);
  EXPECT_NE(problems[1].find("weight 20, expected -10 to 10"), std::string::npos);
  EXPECT_THROW(Request::from_json(nlohmann::json::parse(R"({"loras": [{"path": 3}]})")), Error);
  EXPECT_THROW(Request::from_json(nlohmann::json::parse(R"({"checkpoint": 1})")), Error);
}

TEST(Request, ScheduleInJsonAndA1111Text) {
  Request r;
  EXPECT_EQ(r.schedule, "Automatic");
  r.schedule = "SGM Uniform";
  EXPECT_EQ(Request::from_json(r.to_json()).schedule, "SGM Uniform");
  EXPECT_EQ(Request::from_json(nlohmann::json{{"schedule", "Karras"}}).schedule, "Karras");
  EXPECT_EQ(Request::from_json(nlohmann::json::object()).schedule, "Automatic");
  EXPECT_NE(r.a1111_parameters().find(", Schedule type: SGM Uniform"), std::string::npos) << r.a1111_parameters();
  r.schedule.clear();
  r.pose_json = "pose.json";
  EXPECT_NE(error_of([&] { r.validate(); }).find("schedule is empty"), std::string::npos);
}
