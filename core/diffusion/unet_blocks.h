// The UNet's down / mid / up blocks (DownBlock2D, CrossAttnDownBlock2D, UNetMidBlock2DCrossAttn,
// CrossAttnUpBlock2D, UpBlock2D) and the factories that build them from config block-type strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "core/diffusion/attention.h"

namespace poseforge::diffusion {

// What every block's forward receives besides the hidden states.
struct BlockConditioning {
  torch::Tensor temb;          // [B, time_embed_dim]
  torch::Tensor context;       // [B, L, cross_attention_dim] (text)
  const IpConditioning* ip = nullptr;  // IP-Adapter image token groups, or null
};

struct BlockOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  std::int64_t prev_output_channels = 0;  // up blocks: channels coming from the block below
  std::int64_t temb_channels = 0;
  std::int64_t layers = 1;  // resnets (up blocks: layers_per_block + 1)
  std::int64_t transformer_layers = 1;
  std::int64_t heads = 8;
  std::int64_t context_dim = 0;
  std::int64_t groups = 32;
  double eps = 1e-5;
  bool use_linear_projection = false;
  bool add_sampler = false;  // Downsample2D / Upsample2D at the end
  std::int64_t downsample_padding = 1;
  double output_scale_factor = 1.0;  // mid block resnets
};

// DownBlock2D (cross_attention false) or CrossAttnDownBlock2D: resnets[i] (+ attentions[i]) then
// downsamplers.0; every stage's output is appended to the skip list.
class DownBlockImpl : public torch::nn::Module {
 public:
  DownBlockImpl(const BlockOptions& options, bool cross_attention);
  // x: [B, Cin, H, W] -> [B, Cout, H/2, W/2] (H when no downsampler); appends layers (+1) skips
  torch::Tensor forward(torch::Tensor x, const BlockConditioning& cond, std::vector<torch::Tensor>& skips);
  std::vector<Attention> cross_attentions() const;

 private:
  torch::nn::ModuleList resnets_, attentions_{nullptr}, downsamplers_{nullptr};
};
TORCH_MODULE(DownBlock);

// UNetMidBlock2DCrossAttn: resnets.0, then (attentions.i, resnets.i+1) per layer.
class MidBlockImpl : public torch::nn::Module {
 public:
  explicit MidBlockImpl(const BlockOptions& options);
  torch::Tensor forward(torch::Tensor x, const BlockConditioning& cond);  // [B, C, H, W] -> same
  std::vector<Attention> cross_attentions() const;

 private:
  torch::nn::ModuleList resnets_, attentions_;
};
TORCH_MODULE(MidBlock);

// UpBlock2D or CrossAttnUpBlock2D: each resnet takes cat(x, the last skip), then upsamplers.0 to
// the size of the next skip (given, so odd latent sizes work as in diffusers).
class UpBlockImpl : public torch::nn::Module {
 public:
  UpBlockImpl(const BlockOptions& options, bool cross_attention);
  // Consumes one skip per resnet from the back of `skips`; upsamples to the size of the next skip.
  torch::Tensor forward(torch::Tensor x, const BlockConditioning& cond, std::vector<torch::Tensor>& skips);
  std::vector<Attention> cross_attentions() const;

 private:
  torch::nn::ModuleList resnets_, attentions_{nullptr}, upsamplers_{nullptr};
};
TORCH_MODULE(UpBlock);

// Factories from config strings; an unknown type is an Error naming it and the supported ones.
DownBlock make_down_block(const std::string& type, const BlockOptions& options);
MidBlock make_mid_block(const std::string& type, const BlockOptions& options);
UpBlock make_up_block(const std::string& type, const BlockOptions& options);

}  // namespace poseforge::diffusion
