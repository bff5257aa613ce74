// The fixture models as a pipeline::ModelPaths (engine-only tests: no OpenPose, no image decoding).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/pipeline/model_paths.h"
#include "core/pipeline/request.h"
#include "core/vision/ip_adapter.h"
#include "tests/support/fixtures.h"

namespace poseforge::test {

// Every SDXL component, the ControlNet and image encoder of the fixtures; the IP-Adapter file of
// pipeline/ip_adapter/ when `adapter_file` is given.
inline pipeline::ModelPaths engine_fixture_paths(const std::string& adapter_file = "") {
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

// A Request with the settings of one run of pipeline/params.json (prompts, steps, guidance, scales, size,
// sampler); seed 0, no pose or image prompt paths.
inline pipeline::Request fixture_request(const nlohmann::json& p) {
  pipeline::Request r;
  r.prompt = p["prompt"].get<std::string>();
  r.negative_prompt = p["negative_prompt"].get<std::string>();
  r.steps = p["num_inference_steps"].get<int>();
  r.guidance_scale = p["guidance_scale"].get<double>();
  r.controlnet_scale = p["controlnet_conditioning_scale"].get<double>();
  r.ip_adapter_scale = p["ip_adapter_scale"].get<double>();
  r.width = p["width"].get<int>();
  r.height = p["height"].get<int>();
  r.scheduler = p["scheduler"].get<std::string>();
  r.seed = 0;
  return r;
}

// The fixture VAE's downsampling factor, 2^(levels - 1) from vae/vae/config.json's block_out_channels:
// image pixels per latent pixel (8 for SDXL's VAE).
inline int fixture_vae_scale_factor() {
  const auto levels = fixture_json("vae/vae/config.json").at("block_out_channels").size();
  return 1 << (levels - 1);
}

// The reference file of one run of pipeline/params.json: expected_plus for a run whose IP-Adapter file is the
// Plus (Resampler) variant, expected_basic otherwise; the variant is read from the adapter file itself.
inline std::string fixture_expected_file(const nlohmann::json& run) {
  const auto adapter =
      vision::load_ip_adapter(fixture("pipeline/ip_adapter/" + run.at("ip_adapter").get<std::string>()));
  return adapter.variant() == vision::IpAdapterVariant::Plus ? "pipeline/expected_plus.safetensors"
                                                             : "pipeline/expected_basic.safetensors";
}

}  // namespace poseforge::test
