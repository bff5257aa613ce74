// An SDXL ControlNet config (for random-weight benchmarks); SDXL base's UNet config is
// checkpoints::sdxl_base_config("unet").
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace poseforge::bench {

nlohmann::json sdxl_controlnet_config();   // an SDXL ControlNet (OpenPose/Canny) config.json

}  // namespace poseforge::bench
