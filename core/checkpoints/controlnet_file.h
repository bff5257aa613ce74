// ControlNets without a config.json (OpenPoseXL2.safetensors: one file with diffusers keys): the config is the base
// UNet's, with the conditioning embedding and per-block depths read from the tensor shapes.
#pragma once

#include <filesystem>

#include <torch/types.h>

#include "core/diffusion/controlnet.h"
#include "core/diffusion/unet_config.h"

namespace poseforge::checkpoints {

// `path`: a weights file (or shard index), or a folder: with config.json it loads as a diffusers folder
// (check_sdxl_controlnet_config first), without one its weights file as below. Without a config: an
// SD1.x ControlNet (no add_embedding, 768-wide cross-attention keys), an ldm-layout one (control_model.*)
// or block counts unlike the base UNet's are Errors naming the file and key; every shape is checked by the
// strict load.
diffusion::ControlNetModel load_controlnet_any(const std::filesystem::path& path, const diffusion::UNetConfig& base,
                                               torch::Device device, torch::Dtype dtype);

}  // namespace poseforge::checkpoints
