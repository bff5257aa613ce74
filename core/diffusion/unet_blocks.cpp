// UNet down / mid / up blocks and their factories.
#include "core/diffusion/unet_blocks.h"

#include <torch/torch.h>

#include "core/diffusion/resnet_block.h"
#include "core/diffusion/transformer_2d.h"
#include "core/error.h"

namespace poseforge::diffusion {
namespace {

ResnetBlock2D make_resnet(const BlockOptions& o, std::int64_t in, std::int64_t out) {
  return ResnetBlock2D(ResnetOptions{in, out, o.temb_channels, o.groups, o.eps, o.output_scale_factor});
}

Transformer2DModel make_transformer(const BlockOptions& o, std::int64_t channels) {
  Transformer2DOptions t;  // LayerNorm eps stays diffusers' 1e-5 whatever norm_eps says
  t.channels = channels;
  t.heads = o.heads;
  t.layers = o.transformer_layers;
  t.context_dim = o.context_dim;
  t.norm_groups = o.groups;
  t.use_linear_projection = o.use_linear_projection;
  return Transformer2DModel(t);
}

// Runs resnets[i] then attentions[i] (when present).
torch::Tensor resnet_then_attention(torch::nn::ModuleList resnets, torch::nn::ModuleList attentions, std::size_t i,
                                    const torch::Tensor& x, const BlockConditioning& cond) {
  auto h = resnets[i]->as<ResnetBlock2D>()->forward(x, cond.temb);
  if (attentions) h = attentions[i]->as<Transformer2DModel>()->forward(h, cond.context, cond.ip);
  return h;
}

std::vector<Attention> collect_cross_attentions(torch::nn::ModuleList attentions) {
  std::vector<Attention> out;
  if (!attentions) return out;
  for (const auto& a : *attentions) {
    for (auto& layer : a->as<Transformer2DModel>()->cross_attentions()) out.push_back(layer);
  }
  return out;
}

}  // namespace

DownBlockImpl::DownBlockImpl(const BlockOptions& o, bool cross_attention) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  if (cross_attention) attentions_ = register_module("attentions", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < o.layers; ++i) {
    resnets_->push_back(make_resnet(o, i == 0 ? o.in_channels : o.out_channels, o.out_channels));
    if (cross_attention) attentions_->push_back(make_transformer(o, o.out_channels));
  }
  if (o.add_sampler) {
    downsamplers_ =
        register_module("downsamplers", torch::nn::ModuleList(Downsample2D(o.out_channels, o.downsample_padding)));
  }
}

torch::Tensor DownBlockImpl::forward(torch::Tensor x, const BlockConditioning& cond,
                                     std::vector<torch::Tensor>& skips) {
  for (std::size_t i = 0; i < resnets_->size(); ++i) {
    x = resnet_then_attention(resnets_, attentions_, i, x, cond);
    skips.push_back(x);
  }
  if (downsamplers_) {
    x = downsamplers_[0]->as<Downsample2D>()->forward(x);
    skips.push_back(x);
  }
  return x;
}

std::vector<Attention> DownBlockImpl::cross_attentions() const {
  return collect_cross_attentions(attentions_);
}

MidBlockImpl::MidBlockImpl(const BlockOptions& o) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  attentions_ = register_module("attentions", torch::nn::ModuleList());
  resnets_->push_back(make_resnet(o, o.in_channels, o.in_channels));
  for (std::int64_t i = 0; i < o.layers; ++i) {
    attentions_->push_back(make_transformer(o, o.in_channels));
    resnets_->push_back(make_resnet(o, o.in_channels, o.in_channels));
  }
}

torch::Tensor MidBlockImpl::forward(torch::Tensor x, const BlockConditioning& cond) {
  x = resnets_[0]->as<ResnetBlock2D>()->forward(x, cond.temb);
  for (std::size_t i = 0; i < attentions_->size(); ++i) {
    x = attentions_[i]->as<Transformer2DModel>()->forward(x, cond.context, cond.ip);
    x = resnets_[i + 1]->as<ResnetBlock2D>()->forward(x, cond.temb);
  }
  return x;
}

std::vector<Attention> MidBlockImpl::cross_attentions() const {
  return collect_cross_attentions(attentions_);
}

UpBlockImpl::UpBlockImpl(const BlockOptions& o, bool cross_attention) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  if (cross_attention) attentions_ = register_module("attentions", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < o.layers; ++i) {
    const auto skip_channels = i == o.layers - 1 ? o.in_channels : o.out_channels;
    const auto resnet_in = i == 0 ? o.prev_output_channels : o.out_channels;
    resnets_->push_back(make_resnet(o, resnet_in + skip_channels, o.out_channels));
    if (cross_attention) attentions_->push_back(make_transformer(o, o.out_channels));
  }
  if (o.add_sampler) upsamplers_ = register_module("upsamplers", torch::nn::ModuleList(Upsample2D(o.out_channels)));
}

torch::Tensor UpBlockImpl::forward(torch::Tensor x, const BlockConditioning& cond, std::vector<torch::Tensor>& skips) {
  for (std::size_t i = 0; i < resnets_->size(); ++i) {
    if (skips.empty()) throw Error("UNet up block: ran out of skip connections");
    x = torch::cat({x, skips.back()}, 1);  // [B, C + C_skip, H, W]
    skips.pop_back();
    x = resnet_then_attention(resnets_, attentions_, i, x, cond);
  }
  if (upsamplers_) {
    std::optional<std::vector<std::int64_t>> size;
    if (!skips.empty()) size = std::vector<std::int64_t>{skips.back().size(2), skips.back().size(3)};
    x = upsamplers_[0]->as<Upsample2D>()->forward(x, size);
  }
  return x;
}

std::vector<Attention> UpBlockImpl::cross_attentions() const {
  return collect_cross_attentions(attentions_);
}

DownBlock make_down_block(const std::string& type, const BlockOptions& options) {
  if (type == "DownBlock2D") return DownBlock(options, false);
  if (type == "CrossAttnDownBlock2D") return DownBlock(options, true);
  throw Error("unknown down block type '{}' (supported: DownBlock2D, CrossAttnDownBlock2D)", type);
}

MidBlock make_mid_block(const std::string& type, const BlockOptions& options) {
  if (type == "UNetMidBlock2DCrossAttn") return MidBlock(options);
  throw Error("unknown mid block type '{}' (supported: UNetMidBlock2DCrossAttn)", type);
}

UpBlock make_up_block(const std::string& type, const BlockOptions& options) {
  if (type == "UpBlock2D") return UpBlock(options, false);
  if (type == "CrossAttnUpBlock2D") return UpBlock(options, true);
  throw Error("unknown up block type '{}' (supported: UpBlock2D, CrossAttnUpBlock2D)", type);
}

}  // namespace poseforge::diffusion
