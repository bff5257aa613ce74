// LoRA files as (layer name, down, up, alpha): kohya (`<name>.lora_down/.lora_up.weight`, `.alpha`; SGM or diffusers
// module names) and diffusers/PEFT (`<component>.<module>.lora_A/.lora_B.weight`, alpha in the safetensors metadata).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace poseforge::checkpoints {

struct LoraLayer {
  std::string name;  // as the file names it: "lora_unet_input_blocks_4_1_proj_in", "unet.down_blocks.1....proj_in"
  torch::Tensor down, up;  // kohya lora_down / PEFT lora_A: [rank, in(, kh, kw)]; lora_up / lora_B: [out, rank(, 1, 1)]
  double alpha = 0;        // the merge scales up @ down by alpha / rank
  std::int64_t rank() const { return down.size(0); }
};

struct LoraFile {
  std::filesystem::path path;
  std::string layout;  // "kohya" or "peft"
  std::vector<LoraLayer> layers;

  // Reads a .safetensors (or torch) LoRA. Alpha: kohya's `<name>.alpha`; PEFT's `lora_adapter_metadata`
  // (the matching "<component>.alpha_pattern" entry, "<component>.lora_alpha", then a single adapter's
  // "alpha_pattern" / "lora_alpha"; the rank is always the layer's own, so rank_pattern needs no lookup);
  // else alpha = rank (scale 1, as diffusers does). Errors name the
  // file and keys: a layer with only one of down/up, keys of no LoRA kind (LoHa/LoKr/DoRA are named as such).
  static LoraFile load(const std::filesystem::path& path);
};

}  // namespace poseforge::checkpoints
