// The SDXL base configs shipped with the program (single-file checkpoints carry no config.json).
#pragma once

#include <string>

#include "core/io/json_config.h"

namespace poseforge::checkpoints {

// "unet", "vae", "text_encoder", "text_encoder_2" or "scheduler": the file of that name in
// stabilityai/stable-diffusion-xl-base-1.0, as a JsonConfig whose source says "shipped".
io::JsonConfig sdxl_base_config(const std::string& component);

}  // namespace poseforge::checkpoints
