// ControlNetConfig::from_json: diffusers' ControlNetModel config.json (a UNet config without up blocks).
#include <string>

#include "core/diffusion/controlnet.h"
#include "core/io/json_config.h"

namespace poseforge::diffusion {

ControlNetConfig ControlNetConfig::from_json(const io::JsonConfig& json) {
  ControlNetConfig c;
  c.unet = UNetConfig::from_json(json, /*with_up_blocks=*/false);
  c.conditioning_channels = json.get_or<std::int64_t>("conditioning_channels", c.conditioning_channels);
  c.conditioning_embedding_out_channels =
      json.get_or("conditioning_embedding_out_channels", c.conditioning_embedding_out_channels);
  if (c.conditioning_embedding_out_channels.empty()) json.fail("conditioning_embedding_out_channels", "is empty");
  c.global_pool_conditions = json.get_or<bool>("global_pool_conditions", c.global_pool_conditions);
  const auto order = json.get_or<std::string>("controlnet_conditioning_channel_order", "rgb");
  if (order != "rgb" && order != "bgr")
    json.fail("controlnet_conditioning_channel_order", "must be \"rgb\" or \"bgr\"");
  c.bgr = order == "bgr";
  return c;
}

}  // namespace poseforge::diffusion
