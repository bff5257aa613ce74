// Recognising SD1.x/SD2.x, refiner, video and 16-channel files by their keys and configs.
#include "core/checkpoints/sdxl_checks.h"

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::checkpoints {
namespace {

bool has_prefix(const io::TensorMap& tensors, const std::string& prefix) {
  auto it = tensors.lower_bound(prefix);
  return it != tensors.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::string first_keys(const io::TensorMap& tensors, std::size_t n = 4) {
  std::string out;
  for (auto it = tensors.begin(); it != tensors.end() && n > 0; ++it, --n) out += (out.empty() ? "" : ", ") + it->first;
  return out;
}

}  // namespace

void check_sdxl_checkpoint_keys(const io::TensorMap& t, const std::filesystem::path& file) {
  const std::string where = fmt::format("checkpoint '{}'", file.string());
  const std::string expected =
      "expected an SDXL base-type checkpoint (model.diffusion_model.*, conditioner.embedders.*)";
  if (has_prefix(t, "cond_stage_model.")) {
    throw Error("{} is an SD1.x/SD2.x checkpoint (its text encoder is cond_stage_model.*); {}", where, expected);
  }
  if (!has_prefix(t, "model.diffusion_model.")) {
    throw Error("{} holds no Stable Diffusion UNet (no model.diffusion_model.* keys; first keys: {}); {}", where,
                first_keys(t), expected);
  }
  if (has_prefix(t, "model.diffusion_model.joint_blocks.") || has_prefix(t, "model.diffusion_model.double_blocks.")) {
    throw Error("{} is an SD3/Flux checkpoint (a transformer, not a UNet); {}", where, expected);
  }
  if (!t.count("model.diffusion_model.label_emb.0.0.weight")) {
    throw Error("{} has no model.diffusion_model.label_emb (SDXL's added time/text embedding): an SD1.x/SD2.x UNet; {}",
                where, expected);
  }
  if (has_prefix(t, "conditioner.embedders.0.model.") && !has_prefix(t, "conditioner.embedders.1.")) {
    throw Error(
        "{} is an SDXL refiner (one OpenCLIP text encoder, conditioner.embedders.0.model.*); {}: the refiner "
        "is not supported",
        where, expected);
  }
  if (!has_prefix(t, "conditioner.embedders.0.transformer.text_model.") ||
      !has_prefix(t, "conditioner.embedders.1.model.")) {
    throw Error(
        "{} lacks SDXL's text encoders (conditioner.embedders.0.transformer.text_model.* and "
        "conditioner.embedders.1.model.*); {}",
        where, expected);
  }
  if (auto it = t.find("first_stage_model.encoder.conv_out.weight"); it != t.end() && it->second.size(0) != 8) {
    throw Error("{}: its VAE has {} latent channels (first_stage_model.encoder.conv_out.weight {}), expected SDXL's 4",
                where, it->second.size(0) / 2, io::format_shape(it->second.sizes()));
  }
}

void check_sdxl_unet_config(const io::JsonConfig& c, std::int64_t text_embeds_dim) {
  const std::string cls = c.get_or<std::string>("_class_name", "UNet2DConditionModel");
  if (cls == "UNet3DConditionModel" || cls == "UNetSpatioTemporalConditionModel" || cls == "UNetMotionModel" ||
      cls == "I2VGenXLUNet") {
    throw Error("config '{}': _class_name '{}' is a video UNet; expected an SDXL UNet2DConditionModel", c.source(),
                cls);
  }
  if (cls != "UNet2DConditionModel") {
    throw Error("config '{}': _class_name '{}', expected an SDXL UNet2DConditionModel", c.source(), cls);
  }
  if (c.get_or<std::string>("addition_embed_type", "") != "text_time") {
    throw Error(
        "config '{}': no addition_embed_type \"text_time\" (cross_attention_dim {}): an SD1.x/SD2.x UNet; "
        "expected an SDXL UNet",
        c.source(), c.has("cross_attention_dim") ? c.json().at("cross_attention_dim").dump() : "768");
  }
  const auto time_dim = c.get_or<std::int64_t>("addition_time_embed_dim", 0);
  const auto projection = c.get_or<std::int64_t>("projection_class_embeddings_input_dim", 0);
  if (text_embeds_dim > 0 && time_dim > 0 && projection == 5 * time_dim + text_embeds_dim) {
    throw Error(
        "config '{}': projection_class_embeddings_input_dim {} = 5 time ids x {} + {}: an SDXL refiner UNet; "
        "expected an SDXL base-type UNet (6 time ids: {}); the refiner is not supported",
        c.source(), projection, time_dim, text_embeds_dim, 6 * time_dim + text_embeds_dim);
  }
}

void check_sdxl_controlnet_config(const io::JsonConfig& c) {
  if (c.get_or<std::string>("addition_embed_type", "") != "text_time") {
    throw Error(
        "config '{}': no addition_embed_type \"text_time\": an SD1.x/SD2.x ControlNet; expected an SDXL "
        "ControlNet (e.g. thibaud/controlnet-openpose-sdxl-1.0)",
        c.source());
  }
}

void check_vae_latent_channels(std::int64_t latent_channels, std::int64_t unet_in_channels, const std::string& source) {
  if (latent_channels == unet_in_channels) return;
  throw Error("VAE '{}' has {} latent channels{}; expected {} as the UNet takes (an SDXL VAE)", source, latent_channels,
              latent_channels == 16 ? " (an SD3/Flux VAE)" : "", unet_in_channels);
}

}  // namespace poseforge::checkpoints
