// AutoencoderKLConfig::from_json: diffusers' AutoencoderKL config.json, with errors naming the key.
#include <string>
#include <vector>

#include "core/diffusion/autoencoder_kl.h"
#include "core/io/json_config.h"

namespace poseforge::diffusion {
namespace {

void require_all(const io::JsonConfig& json, const std::string& key, const std::vector<std::string>& types,
                 const std::string& supported) {
  for (const auto& type : types) {
    if (type != supported) json.fail(key, "block type '" + type + "' is not supported (only " + supported + ")");
  }
}

}  // namespace

AutoencoderKLConfig AutoencoderKLConfig::from_json(const io::JsonConfig& json) {
  AutoencoderKLConfig c;
  c.in_channels = json.get_or<std::int64_t>("in_channels", c.in_channels);
  c.out_channels = json.get_or<std::int64_t>("out_channels", c.out_channels);
  c.block_out_channels = json.get_or("block_out_channels", c.block_out_channels);
  if (c.block_out_channels.empty()) json.fail("block_out_channels", "is empty");
  const auto down =
      json.get_or("down_block_types", std::vector<std::string>(c.block_out_channels.size(), "DownEncoderBlock2D"));
  const auto up =
      json.get_or("up_block_types", std::vector<std::string>(c.block_out_channels.size(), "UpDecoderBlock2D"));
  require_all(json, "down_block_types", down, "DownEncoderBlock2D");
  require_all(json, "up_block_types", up, "UpDecoderBlock2D");
  if (down.size() != c.block_out_channels.size() || up.size() != c.block_out_channels.size()) {
    json.fail("block_out_channels", "needs one entry per down and up block");
  }
  c.layers_per_block = json.get_or<std::int64_t>("layers_per_block", c.layers_per_block);
  c.latent_channels = json.get_or<std::int64_t>("latent_channels", c.latent_channels);
  c.norm_num_groups = json.get_or<std::int64_t>("norm_num_groups", c.norm_num_groups);
  c.scaling_factor = json.get_or<double>("scaling_factor", c.scaling_factor);
  c.shift_factor = json.get_optional<double>("shift_factor");
  c.force_upcast = json.get_or<bool>("force_upcast", c.force_upcast);
  c.use_quant_conv = json.get_or<bool>("use_quant_conv", c.use_quant_conv);
  c.use_post_quant_conv = json.get_or<bool>("use_post_quant_conv", c.use_post_quant_conv);
  c.mid_block_add_attention = json.get_or<bool>("mid_block_add_attention", c.mid_block_add_attention);
  if (json.get_or<std::string>("act_fn", "silu") != "silu") json.fail("act_fn", "is not supported (only \"silu\")");
  return c;
}

}  // namespace poseforge::diffusion
