// LoraTargets: every Linear/Conv2d weight of the UNet and both text encoders under each name a LoRA file may
// give it (kohya with SGM or diffusers module names, diffusers/PEFT names).
#pragma once

#include <string>
#include <unordered_map>

#include <torch/nn/module.h>

#include "core/diffusion/unet_config.h"

namespace poseforge::checkpoints {

struct LoraTarget {
  std::string component;  // "unet", "text_encoder", "text_encoder_2"
  std::string parameter;  // our name: "down_blocks.1.attentions.0.proj_in.weight"
  torch::Tensor weight;   // the module's parameter itself (merges write into it in place)
};

class LoraTargets {
 public:
  // Names per weight: UNet "lora_unet_<sgm or diffusers path, '_' for '.'>", "unet.<path>"; text encoders
  // "lora_te1_/lora_te2_<path>" and "text_encoder(_2).<path>", with or without "text_model.".
  LoraTargets(torch::nn::Module& unet, const diffusion::UNetConfig& unet_config, torch::nn::Module& text_encoder,
              torch::nn::Module& text_encoder_2);
  // The weight a LoRA layer name means; null when none.
  const LoraTarget* find(const std::string& layer_name) const;

 private:
  std::unordered_map<std::string, LoraTarget> by_name_;
};

}  // namespace poseforge::checkpoints
