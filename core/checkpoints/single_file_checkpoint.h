// Single-file SDXL checkpoints (SGM/ldm layout: sd_xl_base_1.0.safetensors, community fine-tunes; .safetensors
// or .ckpt, float32/16/bf16) and standalone VAE files, loaded onto our diffusers-named modules.
#pragma once

#include <filesystem>

#include <torch/types.h>

#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/io/json_config.h"
#include "core/text/clip_text_model.h"

namespace poseforge::checkpoints {

struct SdxlCheckpoint {
  diffusion::UNet2DConditionModel unet{nullptr};
  diffusion::AutoencoderKL vae{nullptr};  // null when load_vae was false
  text::ClipTextModel text_encoder{nullptr}, text_encoder_2{nullptr};
};

// `<config_root>/<component>/config.json` where config_root is set and that file exists, else the shipped
// SDXL base config. component: unet, vae, text_encoder, text_encoder_2.
io::JsonConfig component_config(const std::filesystem::path& config_root, const std::string& component);

// Loads every tensor of `file` (a .ckpt's "state_dict" nesting removed), checks it is an SDXL base-type
// checkpoint (check_sdxl_checkpoint_keys), then builds each module from its config (component_config) and
// copies the renamed tensors in (strict: a config that does not fit the shapes is an Error naming the
// tensor and both shapes). The UNet and VAE go to `device`, the text encoders to `encoders_device`, in
// `dtype` (the VAE in vae_dtype()). load_vae false: the file's VAE is not built (a separate one is used).
SdxlCheckpoint load_sdxl_checkpoint(const std::filesystem::path& file, const std::filesystem::path& config_root,
                                    torch::Device device, torch::Dtype dtype, torch::Device encoders_device,
                                    bool load_vae = true);

// A VAE on its own as one file: ldm layout (sdxl_vae.safetensors, the fp16-fix VAE; with or without
// "first_stage_model."), or diffusers keys. Config as component_config(config_root, "vae").
diffusion::AutoencoderKL load_vae_file(const std::filesystem::path& file, const std::filesystem::path& config_root,
                                       torch::Device device, torch::Dtype dtype);

}  // namespace poseforge::checkpoints
