// What is not SDXL, told apart before any weight loads: SD1.x/SD2.x and refiner checkpoints, video UNets,
// 16-channel VAEs, SD1.5 ControlNets. Each is an Error naming the file and what was expected.
#pragma once

#include <filesystem>
#include <string>

#include "core/io/json_config.h"
#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {

// A single-file checkpoint's keys: SGM SDXL base layout expected (model.diffusion_model.*, label_emb,
// conditioner.embedders.0 CLIP-L and .1 OpenCLIP bigG, first_stage_model.* with 4 latent channels).
void check_sdxl_checkpoint_keys(const io::TensorMap& tensors, const std::filesystem::path& file);

// A diffusers UNet config.json: UNet2DConditionModel with "text_time" added embeddings (not a video UNet,
// not SD1.x/SD2.x). `text_embeds_dim` (text encoder 2's projection_dim, 0: unknown) tells a refiner
// (5 time ids) from a base model (6).
void check_sdxl_unet_config(const io::JsonConfig& config, std::int64_t text_embeds_dim);
// A diffusers ControlNet config.json: SDXL's ("text_time" added embeddings), not an SD1.x one.
void check_sdxl_controlnet_config(const io::JsonConfig& config);
// A VAE's latent channels against the UNet's in_channels (SDXL: 4; SD3/Flux VAEs have 16).
void check_vae_latent_channels(std::int64_t latent_channels, std::int64_t unet_in_channels, const std::string& source);

}  // namespace poseforge::checkpoints
