// The SGM/ldm UNet layout (`model.diffusion_model.*`: input_blocks / middle_block / output_blocks) as a KeyTable
// for our diffusers-named UNet, built from its config (block counts decide the SGM indices).
#pragma once

#include "core/checkpoints/key_table.h"
#include "core/diffusion/unet_config.h"

namespace poseforge::checkpoints {

// ours "down_blocks.1.resnets.0.norm1.weight" -> SGM "input_blocks.4.0.in_layers.0.weight" (no
// "model.diffusion_model." prefix). `with_up_blocks` false: the encoder half only (a ControlNet's trunk).
KeyTable sgm_unet_table(const diffusion::UNetConfig& config, bool with_up_blocks = true);

}  // namespace poseforge::checkpoints
