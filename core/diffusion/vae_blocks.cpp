// VAE blocks: spatial attention, mid block, resnet stacks with down/up sampling, Encoder, Decoder.
#include "core/diffusion/vae_blocks.h"

#include <torch/torch.h>

#include "core/diffusion/resnet_block.h"
#include "core/layers/fused_ops.h"

namespace poseforge::diffusion {
namespace {

constexpr double kVaeEps = 1e-6;  // diffusers' VAE blocks fix resnet_eps at 1e-6

ResnetBlock2D vae_resnet(std::int64_t in, std::int64_t out, std::int64_t groups) {
  return ResnetBlock2D(ResnetOptions{in, out, 0, groups, kVaeEps, 1.0});
}

torch::nn::GroupNorm vae_norm(std::int64_t groups, std::int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(kVaeEps));
}

AttentionOptions vae_attention_options(std::int64_t channels) {
  AttentionOptions o;
  o.query_dim = channels;
  o.heads = 1;
  o.dim_head = channels;
  o.bias = true;
  return o;
}

}  // namespace

VaeAttentionImpl::VaeAttentionImpl(std::int64_t channels, std::int64_t groups)
    : AttentionImpl(vae_attention_options(channels)) {
  group_norm_ = register_module("group_norm", vae_norm(groups, channels));
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor& x) {
  const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  // [B, C, H, W] -> normed [B, H*W, C]
  auto tokens = layers::group_norm(x.reshape({b, c, h * w}), *group_norm_).transpose(1, 2);
  auto out = attend(tokens, {}, {});  // [B, H*W, C]
  return out.transpose(1, 2).reshape({b, c, h, w}) + x;
}

VaeMidBlockImpl::VaeMidBlockImpl(std::int64_t channels, std::int64_t groups, bool add_attention) {
  resnets_ = register_module(
      "resnets", torch::nn::ModuleList(vae_resnet(channels, channels, groups), vae_resnet(channels, channels, groups)));
  if (add_attention) attentions_ = register_module("attentions", torch::nn::ModuleList(VaeAttention(channels, groups)));
}

torch::Tensor VaeMidBlockImpl::forward(torch::Tensor x) {
  x = resnets_[0]->as<ResnetBlock2D>()->forward(x);
  if (attentions_) x = attentions_[0]->as<VaeAttention>()->forward(x);
  return resnets_[1]->as<ResnetBlock2D>()->forward(x);
}

VaeBlockImpl::VaeBlockImpl(std::int64_t in, std::int64_t out, std::int64_t layers, std::int64_t groups, Sampler sampler)
    : sampler_(sampler) {
  resnets_ = register_module("resnets", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < layers; ++i) resnets_->push_back(vae_resnet(i == 0 ? in : out, out, groups));
  if (sampler == Sampler::down) {
    samplers_ = register_module("downsamplers", torch::nn::ModuleList(Downsample2D(out, /*padding=*/0)));
  } else if (sampler == Sampler::up) {
    samplers_ = register_module("upsamplers", torch::nn::ModuleList(Upsample2D(out)));
  }
}

torch::Tensor VaeBlockImpl::forward(torch::Tensor x) {
  for (const auto& resnet : *resnets_) x = resnet->as<ResnetBlock2D>()->forward(x);
  if (sampler_ == Sampler::down) x = samplers_[0]->as<Downsample2D>()->forward(x);
  if (sampler_ == Sampler::up) x = samplers_[0]->as<Upsample2D>()->forward(x);
  return x;
}

VaeEncoderImpl::VaeEncoderImpl(const VaeCoderOptions& o) {
  const auto& ch = o.block_out_channels;
  conv_in_ = register_module("conv_in", Conv2d(o.in_channels, ch.front(), 3));
  down_blocks_ = register_module("down_blocks", torch::nn::ModuleList());
  for (std::size_t i = 0; i < ch.size(); ++i) {
    const bool last = i + 1 == ch.size();
    down_blocks_->push_back(VaeBlock(i == 0 ? ch[0] : ch[i - 1], ch[i], o.layers_per_block, o.groups,
                                     last ? VaeBlockImpl::Sampler::none : VaeBlockImpl::Sampler::down));
  }
  mid_block_ = register_module("mid_block", VaeMidBlock(ch.back(), o.groups, o.mid_block_add_attention));
  conv_norm_out_ = register_module("conv_norm_out", vae_norm(o.groups, ch.back()));
  conv_out_ = register_module("conv_out", Conv2d(ch.back(), o.out_channels, 3));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor& image) {
  auto x = conv_in_(image);                                                       // [B, C0, H, W]
  for (const auto& block : *down_blocks_) x = block->as<VaeBlock>()->forward(x);  // [B, C_last, H/f, W/f]
  x = mid_block_(x);
  return conv_out_(layers::group_norm(x, *conv_norm_out_, /*silu=*/true));  // [B, 2z, H/f, W/f]
}

VaeDecoderImpl::VaeDecoderImpl(const VaeCoderOptions& o) {
  const auto& ch = o.block_out_channels;
  const auto n = ch.size();
  conv_in_ = register_module("conv_in", Conv2d(o.in_channels, ch.back(), 3));
  mid_block_ = register_module("mid_block", VaeMidBlock(ch.back(), o.groups, o.mid_block_add_attention));
  up_blocks_ = register_module("up_blocks", torch::nn::ModuleList());
  for (std::size_t i = 0; i < n; ++i) {
    const auto in = i == 0 ? ch[n - 1] : ch[n - i];  // the previous (deeper) block's channels
    const bool last = i + 1 == n;
    up_blocks_->push_back(VaeBlock(in, ch[n - 1 - i], o.layers_per_block + 1, o.groups,
                                   last ? VaeBlockImpl::Sampler::none : VaeBlockImpl::Sampler::up));
  }
  conv_norm_out_ = register_module("conv_norm_out", vae_norm(o.groups, ch.front()));
  conv_out_ = register_module("conv_out", Conv2d(ch.front(), o.out_channels, 3));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor& latents) {
  auto x = conv_in_(latents);  // [B, C_last, h, w]
  x = mid_block_(x);
  for (const auto& block : *up_blocks_) x = block->as<VaeBlock>()->forward(x);  // [B, C0, h*f, w*f]
  return conv_out_(layers::group_norm(x, *conv_norm_out_, /*silu=*/true));                             // [B, 3, h*f, w*f]
}

}  // namespace poseforge::diffusion
