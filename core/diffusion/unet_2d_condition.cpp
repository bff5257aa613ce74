// UNet2DConditionModel: up blocks, output head, ControlNet residuals, IP-Adapter layer management.
#include "core/diffusion/unet_2d_condition.h"

#include <torch/torch.h>

#include "core/diffusion/model_loading.h"
#include "core/diffusion/resnet_block.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/tensor_map.h"
#include "core/layers/fused_ops.h"

namespace poseforge::diffusion {

UNet2DConditionModelImpl::UNet2DConditionModelImpl(UNetConfig config) : UNetTrunkImpl(std::move(config)) {
  const auto& c = config_;
  const auto n = c.block_out_channels.size();
  up_blocks_ = register_module("up_blocks", torch::nn::ModuleList());
  for (std::size_t i = 0; i < n; ++i) {
    const auto down = n - 1 - i;  // the down block this up block mirrors
    auto o = block_options(down);
    o.out_channels = c.block_out_channels[down];
    o.prev_output_channels = c.block_out_channels[i == 0 ? n - 1 : down + 1];
    o.in_channels = c.block_out_channels[down == 0 ? 0 : down - 1];
    o.layers = c.layers_per_block[down] + 1;
    o.transformer_layers = c.reverse_transformer_layers_per_block[i];
    o.add_sampler = i + 1 < n;
    up_blocks_->push_back(make_up_block(c.up_block_types[i], o));
  }
  conv_norm_out_ = register_module(
      "conv_norm_out",
      torch::nn::GroupNorm(torch::nn::GroupNormOptions(c.norm_num_groups, c.block_out_channels[0]).eps(c.norm_eps)));
  conv_out_ = register_module("conv_out", Conv2d(c.block_out_channels[0], c.out_channels, c.conv_out_kernel));

  // attn_processors order: down blocks, up blocks, mid block.
  for (const auto& item : named_modules("", false)) {
    const auto& name = item.key();
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".attn2") == 0) {
      cross_layers_.emplace_back(name, Attention(std::dynamic_pointer_cast<AttentionImpl>(item.value())));
    }
  }
  auto group = [](const std::string& name) {
    return name.rfind("down_blocks", 0) == 0 ? 0 : name.rfind("up_blocks", 0) == 0 ? 1 : 2;
  };
  std::stable_sort(cross_layers_.begin(), cross_layers_.end(),
                   [&](const auto& a, const auto& b) { return group(a.first) < group(b.first); });
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const UNetConditioning& cond,
                                                const ControlNetResiduals* residuals) {
  check_inputs(sample, cond, "UNet");
  const auto batch = sample.size(0);
  const auto dtype = conv_in_->weight.scalar_type();
  // 1. time: temb [B, time_embed_dim]
  // image tokens: the plain tokens (every layer) and the groups, in the model dtype
  check_ip_groups(cond.ip_groups, batch);
  IpConditioning ip;
  if (cond.image_tokens.defined()) ip.push_back({cond.image_tokens.to(dtype), {}, {}, {}});
  for (const auto& group : cond.ip_groups) {
    ip.push_back(group);
    ip.back().tokens = group.tokens.to(dtype);
  }
  BlockConditioning block_cond{embed_time(cond, batch, dtype), cond.encoder_hidden_states.to(dtype), &ip};
  // 2. pre-process: [B, in, H, W] -> [B, C0, H, W]
  auto x = conv_in_(sample.to(dtype));
  // 3. down: skips hold every stage's output
  std::vector<torch::Tensor> skips;
  x = run_down(x, block_cond, skips);
  if (residuals && !residuals->down.empty()) {
    if (residuals->down.size() != skips.size()) {
      throw Error("UNet: {} ControlNet down residuals for {} skip connections", residuals->down.size(), skips.size());
    }
    for (std::size_t i = 0; i < skips.size(); ++i) skips[i] = skips[i] + residuals->down[i].to(dtype);
  }
  // 4. mid: [B, C_last, h, w]
  x = mid_block_(x, block_cond);
  if (residuals && residuals->mid.defined()) x = x + residuals->mid.to(dtype);
  // 5. up: each block consumes its skips from the back
  for (const auto& block : *up_blocks_) x = block->as<UpBlock>()->forward(x, block_cond, skips);
  // 6. post-process: [B, C0, H, W] -> [B, out, H, W] (contiguous again after a channels-last UNet)
  return conv_out_(layers::group_norm(x, *conv_norm_out_, /*silu=*/true)).contiguous();
}

void UNet2DConditionModelImpl::check_ip_groups(const IpConditioning& groups, std::int64_t batch) const {
  const auto layers = static_cast<std::int64_t>(cross_layers_.size());
  const auto dim = config_.cross_attention_dim[0];
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& group = groups[g];
    const auto& t = group.tokens;
    if (!t.defined() || t.dim() != 3 || t.size(0) != batch || t.size(2) != dim) {
      throw Error("UNet: image token group {} has shape {}, expected [{}, T, {}]", g + 1,
                  t.defined() ? io::format_shape(t.sizes()) : "none", batch, dim);
    }
    if (!group.layers.empty() && static_cast<std::int64_t>(group.layers.size()) != layers) {
      throw Error("UNet: image token group {} names {} layers, the UNet has {} cross-attention layers", g + 1,
                  group.layers.size(), layers);
    }
    if (group.layer_scales.defined() && group.layer_scales.numel() != layers) {
      throw Error("UNet: image token group {} has {} layer scales, expected {}", g + 1, group.layer_scales.numel(),
                  layers);
    }
  }
}

void UNet2DConditionModelImpl::set_ip_adapter(const std::vector<std::pair<torch::Tensor, torch::Tensor>>& layers) {
  if (layers.size() != cross_layers_.size()) {
    throw Error("IP-Adapter has {} cross-attention layers, the UNet has {}", layers.size(), cross_layers_.size());
  }
  clear_ip_adapter();
  try {  // all layers or none
    for (std::size_t i = 0; i < layers.size(); ++i) {
      cross_layers_[i].second->set_ip_adapter(layers[i].first, layers[i].second,
                                              fmt::format("{} ({})", i, cross_layers_[i].first),
                                              static_cast<std::int64_t>(i));
    }
  } catch (...) {
    clear_ip_adapter();
    throw;
  }
}

void UNet2DConditionModelImpl::clear_ip_adapter() {
  for (auto& [name, layer] : cross_layers_) layer->clear_ip_adapter();
}

bool UNet2DConditionModelImpl::has_ip_adapter() const {
  return !cross_layers_.empty() && cross_layers_.front().second->ip_adapter();
}

std::size_t UNet2DConditionModelImpl::set_ip_adapter_scale(const torch::Tensor& scale, const std::string& prefix) {
  if (!has_ip_adapter()) throw Error("set_ip_adapter_scale: no IP-Adapter is loaded");
  std::size_t count = 0;
  for (auto& [name, layer] : cross_layers_) {
    // Whole dotted segments only: "up_blocks.0.attentions.1" does not match "...attentions.10".
    const bool match = prefix.empty() || name == prefix || name.rfind(prefix + ".", 0) == 0;
    if (!match) continue;
    layer->ip_adapter()->set_scale(scale);
    ++count;
  }
  if (count == 0) throw Error("set_ip_adapter_scale: no cross-attention layer name starts with '{}'", prefix);
  return count;
}

UNet2DConditionModel load_unet(const std::filesystem::path& folder, torch::Device device, torch::Dtype dtype) {
  return load_diffusers_model<UNet2DConditionModel, UNetConfig>(folder, "UNet", device,
                                                                [&](const auto&) { return dtype; });
}

}  // namespace poseforge::diffusion
