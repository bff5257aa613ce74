// UNetTrunk: what the UNet and its ControlNet share (conv_in, time + text_time embeddings, down blocks,
// mid block), built once from UNetConfig so the ControlNet repeats none of the UNet's hyper-parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include "core/diffusion/embeddings.h"
#include "core/diffusion/layers.h"
#include "core/diffusion/unet_blocks.h"
#include "core/diffusion/unet_config.h"

namespace poseforge::diffusion {

// The conditioning inputs of one UNet / ControlNet call. All on the model's device.
struct UNetConditioning {
  torch::Tensor timestep;               // [B] one per item, or [] / [1] one for the whole batch
  torch::Tensor encoder_hidden_states;  // [B, L, cross_attention_dim] (text)
  torch::Tensor text_embeds;            // [B, pooled dim] (addition_embed_type text_time)
  torch::Tensor time_ids;               // [B, 6] (text_time: original size, crop, target size)
  torch::Tensor image_tokens;           // [B, T, cross_attention_dim] or undefined (IP-Adapter; UNet only)
  // IP-Adapter token groups with their own layers, per-layer scales and masks (UNet only); image_tokens,
  // when set, acts as one more group on every layer.
  IpConditioning ip_groups;
};

// Registers conv_in, time_embedding, add_embedding (text_time), down_blocks and mid_block on itself,
// so the derived model's keys are exactly diffusers' top-level keys.
class UNetTrunkImpl : public torch::nn::Module {
 public:
  const UNetConfig& config() const { return config_; }

 protected:
  explicit UNetTrunkImpl(UNetConfig config);
  // Checks the conditioning's shapes against the sample and the config (Error naming what differs).
  void check_inputs(const torch::Tensor& sample, const UNetConditioning& cond, const char* model) const;
  // 1. time: sinusoidal timestep (+ text_time) embeddings -> temb [B, time_embed_dim] in `dtype`.
  torch::Tensor embed_time(const UNetConditioning& cond, std::int64_t batch, torch::Dtype dtype);
  // 3. down: runs the down blocks, appending every skip (the conv_in output first) -> [B, C_last, h, w].
  torch::Tensor run_down(torch::Tensor x, const BlockConditioning& cond, std::vector<torch::Tensor>& skips);
  // Block options shared by the UNet's and ControlNet's blocks.
  BlockOptions block_options(std::size_t index) const;

  UNetConfig config_;
  Conv2d conv_in_{nullptr};
  TimestepEmbedding time_embedding_{nullptr};
  TimestepEmbedding add_embedding_{nullptr};  // only with text_time
  torch::nn::ModuleList down_blocks_;
  MidBlock mid_block_{nullptr};
};

}  // namespace poseforge::diffusion
