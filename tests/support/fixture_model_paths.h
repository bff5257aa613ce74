// ModelPaths of the fixture models: the component folders, the ControlNet, the image encoder, an adapter.
#pragma once

#include <string>

#include "core/pipeline/model_paths.h"
#include "tests/support/fixtures.h"

namespace poseforge::test {

// `adapter_file`: a file of pipeline/ip_adapter/ (empty: no IP-Adapter).
inline pipeline::ModelPaths fixture_model_paths(const std::string& adapter_file = "") {
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

}  // namespace poseforge::test
