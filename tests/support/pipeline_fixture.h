// The fixture pipeline (params.json's runs) as a Request + decoded Inputs, for tests that run the engine.
// Header-only: it reads images with OpenCV (poseforge_core), which the support library does not link.
#pragma once

#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/io/image.h"
#include "core/io/safetensors.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/pipeline.h"
#include "tests/support/fixtures.h"

namespace poseforge::test {

// The fixture folders are not a diffusers SDXL folder: every component is given on its own.
inline pipeline::ModelPaths fixture_model_paths(const std::string& adapter_file) {
  pipeline::ModelPaths p;
  p.sdxl_components.unet = fixture("unet/unet");
  p.sdxl_components.vae = fixture("vae/vae");
  p.sdxl_components.text_encoder = fixture("text_encoders/text_encoder");
  p.sdxl_components.text_encoder_2 = fixture("text_encoders/text_encoder_2");
  p.sdxl_components.tokenizer = fixture("tokenizer/tokenizer");
  p.sdxl_components.tokenizer_2 = fixture("tokenizer/tokenizer_2");
  p.sdxl_components.scheduler_config = fixture("pipeline/scheduler_config.json");
  p.controlnet = fixture("unet/controlnet");
  p.image_encoder = fixture("image_encoder/image_encoder");
  if (!adapter_file.empty()) p.ip_adapter = fixture("pipeline/ip_adapter/" + adapter_file);
  return p;
}

inline pipeline::EngineOptions fixture_cpu_float32() {
  pipeline::EngineOptions o;
  o.device = "cpu";
  o.dtype = "float32";
  return o;
}

// Request + decoded inputs of params.json's run `index`, with the reference's initial_latents.
struct FixturePipelineRun {
  nlohmann::json params;
  pipeline::Request request;
  pipeline::Inputs inputs;
  std::string expected_file;
  std::string adapter_file;
};

inline FixturePipelineRun fixture_pipeline_run(std::size_t index) {
  FixturePipelineRun r;
  r.params = fixture_json("pipeline/params.json")["runs"].at(index);
  const auto& p = r.params;
  r.adapter_file = p["ip_adapter"].get<std::string>();
  r.request.pose_image = fixture("pipeline/" + p["pose"].get<std::string>()).string();
  r.request.prompt = p["prompt"].get<std::string>();
  r.request.negative_prompt = p["negative_prompt"].get<std::string>();
  r.request.steps = p["num_inference_steps"].get<int>();
  r.request.guidance_scale = p["guidance_scale"].get<double>();
  r.request.controlnet_scale = p["controlnet_conditioning_scale"].get<double>();
  r.request.ip_adapter_scale = p["ip_adapter_scale"].get<double>();
  r.request.width = p["width"].get<int>();
  r.request.height = p["height"].get<int>();
  r.request.scheduler = p["scheduler"].get<std::string>();
  r.request.seed = 0;
  const auto ip_path = fixture("pipeline/" + p["ip_image"].get<std::string>());
  r.request.image_prompts.push_back({ip_path.string(), 1.0});
  r.inputs.control_image = io::read_image_rgb(r.request.pose_image);
  r.inputs.image_prompts.push_back({io::read_image_rgb(ip_path), 1.0});
  const bool plus = r.adapter_file.find("plus") != std::string::npos;
  r.expected_file = plus ? "pipeline/expected_plus.safetensors" : "pipeline/expected_basic.safetensors";
  io::SafetensorsFile expected(fixture(r.expected_file));
  const auto latents = expected.tensor("initial_latents").to(torch::kFloat32).contiguous();
  r.inputs.initial_latents.assign(latents.data_ptr<float>(), latents.data_ptr<float>() + latents.numel());
  return r;
}

}  // namespace poseforge::test
