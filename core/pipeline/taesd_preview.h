// TAESD-XL step previews: where the tiny decoder lives in a models folder, and the preview it makes.
#pragma once

#include <filesystem>

#include <torch/types.h>

#include "core/diffusion/taesd.h"

namespace poseforge::pipeline {

// The TAESD-XL decoder under a models root: the madebyollin/taesdxl diffusers folder (taesdxl/ or
// madebyollin/taesdxl/, with config.json), else the original file taesdxl_decoder.safetensors / .pth (in
// the root, taesd/ or vae_approx/ as ComfyUI keeps it). Empty when there is none (previews stay linear).
std::filesystem::path find_taesd(const std::filesystem::path& root);

// latents [1, 4, h, w] (UNet space, float32, any device) -> [8h, 8w, 3] uint8 on the latents' device, no
// host sync: the readable preview (ProgressReadback reads it back asynchronously).
torch::Tensor taesd_preview_bytes(diffusion::TinyDecoder& decoder, const torch::Tensor& latents);

}  // namespace poseforge::pipeline
