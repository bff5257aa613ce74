// UNet2DConditionModel (diffusers layout, SDXL family) with ControlNet residuals and IP-Adapter layers.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/modules/normalization.h>

#include "core/diffusion/layers.h"
#include "core/diffusion/unet_trunk.h"

namespace poseforge::diffusion {

// ControlNet outputs added to the UNet's skip connections (down, one per skip) and mid-block output.
struct ControlNetResiduals {
  std::vector<torch::Tensor> down;
  torch::Tensor mid;
};

class UNet2DConditionModelImpl : public UNetTrunkImpl {
 public:
  // Builds the modules, parameters uninitialised (load weights, or materialize + init_random).
  // Throws Error for unknown block types.
  explicit UNet2DConditionModelImpl(UNetConfig config);

  // sample: [B, in_channels, H, W] -> noise prediction [B, out_channels, H, W], in the model's dtype.
  // Capturable: no host reads; shapes fixed per (size, batch). `residuals` may be null.
  // Throws Error for shapes that do not fit the config.
  torch::Tensor forward(const torch::Tensor& sample, const UNetConditioning& cond,
                        const ControlNetResiduals* residuals = nullptr);

  // Forward with cond.ip_groups: Error naming a group whose tokens, layers or layer scales do not fit.
  // IP-Adapter: one (to_k_ip.weight, to_v_ip.weight) pair per cross-attention layer, in diffusers'
  // attn_processors order (down blocks, up blocks, mid block). Error naming both counts when the
  // number differs, or the layer when a shape does not fit; then no layer keeps an adapter. Scales
  // start at 1. The weights become parameters "<layer>.ip_adapter.to_k_ip.weight" etc., so load the
  // UNet's own weights (strict) before setting an adapter.
  void set_ip_adapter(const std::vector<std::pair<torch::Tensor, torch::Tensor>>& layers);
  void clear_ip_adapter();
  bool has_ip_adapter() const;
  // Sets the scale of every IP-Adapter layer under the module path `prefix` ("" = all; e.g.
  // "up_blocks" or "up_blocks.0.attentions.1" for InstantStyle's style-only). `scale`: one value, any
  // device; copied into per-layer device buffers, so no reload and no re-capture. Returns the number
  // of layers set; Error when no adapter is loaded or the prefix matches none.
  std::size_t set_ip_adapter_scale(const torch::Tensor& scale, const std::string& prefix = "");

  // The cross-attention layers (attn2) in attn_processors order, with their module names.
  const std::vector<std::pair<std::string, Attention>>& cross_attention_layers() const { return cross_layers_; }

 private:
  // Error naming the group whose tokens, layer list or layer scales do not fit this UNet and batch.
  void check_ip_groups(const IpConditioning& groups, std::int64_t batch) const;

  torch::nn::ModuleList up_blocks_;
  torch::nn::GroupNorm conv_norm_out_{nullptr};
  Conv2d conv_out_{nullptr};
  std::vector<std::pair<std::string, Attention>> cross_layers_;
};
TORCH_MODULE(UNet2DConditionModel);

// Reads <folder>/config.json and the weights into a model on `device` in `dtype`.
UNet2DConditionModel load_unet(const std::filesystem::path& folder, torch::Device device, torch::Dtype dtype);

}  // namespace poseforge::diffusion
