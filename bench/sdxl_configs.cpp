// The SDXL ControlNet config of the benchmark, made from the shipped SDXL base UNet config (no download).
#include "bench/sdxl_configs.h"

#include <nlohmann/json.hpp>

#include "core/checkpoints/sdxl_base_configs.h"

namespace poseforge::bench {

nlohmann::json sdxl_controlnet_config() {
  // An SDXL ControlNet (OpenPose, Canny, ...) is the UNet's encoder half plus the conditioning embedding.
  auto json = checkpoints::sdxl_base_config("unet").json();
  for (const char* key :
       {"up_block_types", "out_channels", "conv_out_kernel", "reverse_transformer_layers_per_block"}) {
    json.erase(key);
  }
  json["_class_name"] = "ControlNetModel";
  json["conditioning_channels"] = 3;
  json["conditioning_embedding_out_channels"] = {16, 32, 96, 256};
  json["controlnet_conditioning_channel_order"] = "rgb";
  json["global_pool_conditions"] = false;
  return json;
}

}  // namespace poseforge::bench
