// The ldm VAE layout (`first_stage_model.*`, and standalone sdxl_vae.safetensors) as a KeyTable for our
// diffusers-named AutoencoderKL; its attention projections are 1x1 convolutions there (see ldm_vae_tensor).
#pragma once

#include "core/checkpoints/key_table.h"
#include "core/diffusion/autoencoder_kl.h"

namespace poseforge::checkpoints {

// ours "decoder.up_blocks.0.resnets.1.conv_shortcut.weight" -> ldm "decoder.up.3.block.1.nin_shortcut.weight".
KeyTable ldm_vae_table(const diffusion::AutoencoderKLConfig& config);

// The file's tensor for our key: mid-block attention weights [C, C, 1, 1] become [C, C]; others unchanged.
torch::Tensor ldm_vae_tensor(const std::string& ours, const torch::Tensor& tensor);

}  // namespace poseforge::checkpoints
