// ResnetBlock2D, Downsample2D, Upsample2D.
#include "core/diffusion/resnet_block.h"

#include <torch/torch.h>

#include "core/layers/fused_ops.h"

namespace poseforge::diffusion {

namespace F = torch::nn::functional;

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetOptions& o) : output_scale_factor_(o.output_scale_factor) {
  norm1_ =
      register_module("norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.groups, o.in_channels).eps(o.eps)));
  conv1_ = register_module("conv1", Conv2d(o.in_channels, o.out_channels, 3));
  if (o.temb_channels > 0) {
    time_emb_proj_ = register_module("time_emb_proj", Linear(o.temb_channels, o.out_channels));
  }
  norm2_ =
      register_module("norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.groups, o.out_channels).eps(o.eps)));
  conv2_ = register_module("conv2", Conv2d(o.out_channels, o.out_channels, 3));
  if (o.in_channels != o.out_channels) {
    conv_shortcut_ = register_module("conv_shortcut", Conv2d(o.in_channels, o.out_channels, 1));
  }
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
  // 1. first conv: [B, Cin, H, W] -> [B, Cout, H, W]
  auto h = conv1_(layers::group_norm(x, *norm1_, /*silu=*/true));
  // 2. time embedding, broadcast over space: [B, Cout, 1, 1]
  if (time_emb_proj_) h = h + time_emb_proj_(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  // 3. second conv (dropout is identity at inference)
  h = conv2_(layers::group_norm(h, *norm2_, /*silu=*/true));
  // 4. residual
  auto skip = conv_shortcut_ ? conv_shortcut_(x) : x;
  auto out = skip + h;
  return output_scale_factor_ == 1.0 ? out : out / output_scale_factor_;
}

Downsample2DImpl::Downsample2DImpl(std::int64_t channels, std::int64_t padding) : padding_(padding) {
  conv_ = register_module("conv", Conv2d(channels, channels, 3, 2, padding));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x) {
  if (padding_ == 0) return conv_(F::pad(x, F::PadFuncOptions({0, 1, 0, 1})));
  return conv_(x);
}

Upsample2DImpl::Upsample2DImpl(std::int64_t channels) {
  conv_ = register_module("conv", Conv2d(channels, channels, 3));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, std::optional<std::vector<std::int64_t>> size) {
  // Nearest upsampling has no bfloat16 kernel on older libtorch: run it in float32 there.
  auto h = x.scalar_type() == torch::kBFloat16 ? x.to(torch::kFloat32) : x;
  auto options = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (size) {
    options.size(*size);
  } else {
    options.scale_factor(std::vector<double>{2.0, 2.0});
  }
  h = F::interpolate(h.contiguous(h.suggest_memory_format()), options).to(x.scalar_type());
  return conv_(h);
}

}  // namespace poseforge::diffusion
