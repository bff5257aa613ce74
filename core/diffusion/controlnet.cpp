// ControlNetModel: conditioning embedding, zero convolutions, residual scaling.
#include "core/diffusion/controlnet.h"

#include <torch/torch.h>

#include "core/diffusion/model_loading.h"
#include "core/diffusion/resnet_block.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/tensor_map.h"

namespace poseforge::diffusion {

ControlNetConditioningEmbeddingImpl::ControlNetConditioningEmbeddingImpl(std::int64_t embedding_channels,
                                                                         std::int64_t conditioning_channels,
                                                                         const std::vector<std::int64_t>& channels) {
  conv_in_ = register_module("conv_in", Conv2d(conditioning_channels, channels.front(), 3));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (std::size_t i = 0; i + 1 < channels.size(); ++i) {
    blocks_->push_back(Conv2d(channels[i], channels[i], 3));
    blocks_->push_back(Conv2d(channels[i], channels[i + 1], 3, /*stride=*/2));
  }
  conv_out_ = register_module("conv_out", Conv2d(channels.back(), embedding_channels, 3));
}

torch::Tensor ControlNetConditioningEmbeddingImpl::forward(const torch::Tensor& image) {
  auto x = torch::silu(conv_in_(image));
  for (const auto& block : *blocks_) x = torch::silu(block->as<Conv2d>()->forward(x));
  return conv_out_(x);
}

ControlNetModelImpl::ControlNetModelImpl(ControlNetConfig config)
    : UNetTrunkImpl(config.unet), cn_config_(std::move(config)) {
  const auto& c = config_;
  controlnet_cond_embedding_ =
      register_module("controlnet_cond_embedding",
                      ControlNetConditioningEmbedding(c.block_out_channels[0], cn_config_.conditioning_channels,
                                                      cn_config_.conditioning_embedding_out_channels));
  // One zero conv per skip connection: conv_in's output, then every resnet and downsampler output.
  controlnet_down_blocks_ = register_module("controlnet_down_blocks", torch::nn::ModuleList());
  auto zero_conv = [](std::int64_t channels) { return Conv2d(channels, channels, 1); };
  controlnet_down_blocks_->push_back(zero_conv(c.block_out_channels[0]));
  for (std::size_t i = 0; i < c.block_out_channels.size(); ++i) {
    const auto o = block_options(i);
    for (std::int64_t j = 0; j < o.layers + (o.add_sampler ? 1 : 0); ++j) {
      controlnet_down_blocks_->push_back(zero_conv(o.out_channels));
    }
  }
  controlnet_mid_block_ = register_module("controlnet_mid_block", zero_conv(c.block_out_channels.back()));
}

ControlNetResiduals ControlNetModelImpl::forward(const torch::Tensor& sample, const UNetConditioning& cond,
                                                 const torch::Tensor& image, const torch::Tensor& conditioning_scale,
                                                 bool guess_mode) {
  check_inputs(sample, cond, "ControlNet");
  const auto batch = sample.size(0);
  if (image.dim() != 4 || image.size(0) != batch || image.size(1) != cn_config_.conditioning_channels) {
    throw Error("ControlNet: conditioning image has shape {}, expected [{}, {}, H, W]", io::format_shape(image.sizes()),
                batch, cn_config_.conditioning_channels);
  }
  if (conditioning_scale.numel() != 1) {
    throw Error("ControlNet: conditioning_scale must be one value, got shape {}",
                io::format_shape(conditioning_scale.sizes()));
  }
  const auto dtype = conv_in_->weight.scalar_type();
  // 1. time
  BlockConditioning block_cond{embed_time(cond, batch, dtype), cond.encoder_hidden_states.to(dtype), nullptr};
  // 2. pre-process: latents + embedded control image, [B, C0, h, w]
  auto control = cn_config_.bgr ? image.flip({1}) : image;
  auto x = conv_in_(sample.to(dtype)) + controlnet_cond_embedding_(control.to(dtype));
  // 3. down, 4. mid
  std::vector<torch::Tensor> skips;
  x = run_down(x, block_cond, skips);
  x = mid_block_(x, block_cond);
  // 5. zero convolutions and scaling
  ControlNetResiduals out;
  auto scale = conditioning_scale.reshape({}).to(x.device(), dtype);
  torch::Tensor scales;  // guess mode: [n + 1] from 0.1 to 1
  if (guess_mode && !cn_config_.global_pool_conditions) {
    scales = torch::logspace(-1, 0, static_cast<std::int64_t>(skips.size()) + 1, 10.0, x.options()) * scale;
  }
  for (std::size_t i = 0; i < skips.size(); ++i) {
    auto r = controlnet_down_blocks_[i]->as<Conv2d>()->forward(skips[i]);
    out.down.push_back(r * (scales.defined() ? scales[static_cast<std::int64_t>(i)] : scale));
  }
  out.mid = controlnet_mid_block_(x) * (scales.defined() ? scales[-1] : scale);
  if (cn_config_.global_pool_conditions) {
    for (auto& r : out.down) r = r.mean({2, 3}, /*keepdim=*/true);
    out.mid = out.mid.mean({2, 3}, true);
  }
  return out;
}

ControlNetModel load_controlnet(const std::filesystem::path& folder, torch::Device device, torch::Dtype dtype) {
  return load_diffusers_model<ControlNetModel, ControlNetConfig>(folder, "ControlNet", device,
                                                                 [&](const auto&) { return dtype; });
}

}  // namespace poseforge::diffusion
