// What the IP-Adapter layers of one UNet call receive: groups of image tokens, each reaching its own
// layers with its own per-layer scale for this call, optionally masked to a region of the picture.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace poseforge::diffusion {

// One group: the (averaged) tokens of image prompts that agree on type, start/end and mask. Each group
// attends on its own (its own softmax) and adds scale * attention (* mask) to the layer's output, as
// diffusers does for several adapters or masked images.
struct IpTokenGroup {
  torch::Tensor tokens;  // [B, T, cross_attention_dim] (B: the UNet batch, CFG negative first)
  // Per cross-attention layer (UNet2DConditionModel::cross_attention_layers() order): whether this group
  // acts there at all (the weight type; a structural choice, fixed per captured graph). Empty: every layer.
  std::vector<bool> layers;
  // [L] on the device: this group's scale per layer at this call (type weight x on/off by start/end),
  // multiplied with the layer's own scale buffer. Undefined: 1 on every layer.
  torch::Tensor layer_scales;
  // A regional mask per attention grid: (query count, [1 or B, queries, 1]) as downsample_ip_mask makes
  // them. Empty: no mask. A layer whose query count is not listed is an Error.
  std::vector<std::pair<std::int64_t, torch::Tensor>> masks;
};

using IpConditioning = std::vector<IpTokenGroup>;

}  // namespace poseforge::diffusion
