// Image prompt groups and their per-call IP-Adapter conditioning (weight types, start/end, masks).
#include "core/pipeline/ip_groups.h"

#include <algorithm>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/diffusion/ip_mask.h"
#include "core/error.h"
#include "core/pipeline/denoise_loop.h"

namespace poseforge::pipeline {

std::vector<ImagePromptGroup> group_image_prompts(const std::vector<Inputs::ImagePrompt>& prompts) {
  std::vector<ImagePromptGroup> out;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto& p = prompts[i];
    const bool masked = !p.mask.empty();
    auto same = [&](const ImagePromptGroup& g) {
      return !masked && !g.masked && g.type == p.type && g.start == p.start && g.end == p.end;
    };
    auto it = std::find_if(out.begin(), out.end(), same);
    if (it == out.end()) {
      out.push_back({{i}, p.type, p.weight, p.composition_weight, p.start, p.end, masked});
      continue;
    }
    it->members.push_back(i);
    it->weight = std::max(it->weight, p.weight);
    it->composition_weight = std::max(it->composition_weight, p.composition_weight);
  }
  return out;
}

IpLoopConditioning::IpLoopConditioning(const std::vector<Inputs::ImagePrompt>& prompts, const GroupTokensFn& tokens,
                                       const diffusion::UNet2DConditionModel& unet, std::int64_t calls, bool cfg,
                                       std::int64_t latent_h, std::int64_t latent_w, int width, int height,
                                       torch::Device device, torch::Dtype dtype)
    : plan_(group_image_prompts(prompts)) {
  std::vector<std::string> names;
  for (const auto& [name, layer] : unet->cross_attention_layers()) names.push_back(name);
  const auto layers = static_cast<std::int64_t>(names.size());
  const auto grids = diffusion::attention_query_counts(unet->config(), latent_h, latent_w);
  const auto model = torch::TensorOptions().device(device).dtype(dtype);
  // [calls, G, L] on the host, then one copy to the device
  auto table = torch::zeros({calls, static_cast<std::int64_t>(plan_.size()), layers}, torch::kFloat32);
  auto rows = table.accessor<float, 3>();
  for (std::size_t g = 0; g < plan_.size(); ++g) {
    const auto& group = plan_[g];
    const std::string what = fmt::format("image prompt {}", group.members.front() + 1);
    std::vector<double> weights;
    try {
      weights = diffusion::ip_layer_weights(group.type, group.weight, group.composition_weight, names);
    } catch (...) {
      rethrow_with_context(what);
    }
    const auto keep = controlnet_keep(calls, group.start, group.end);
    for (std::int64_t i = 0; i < calls; ++i) {
      for (std::int64_t l = 0; l < layers; ++l) {
        rows[i][static_cast<std::int64_t>(g)][l] = static_cast<float>(keep[i] * weights[l]);
      }
    }
    diffusion::IpTokenGroup t;
    std::vector<Inputs::ImagePrompt> members;
    for (const auto m : group.members) members.push_back(prompts[m]);
    const auto cfg_tokens = tokens(members);  // [2, T, D]
    t.tokens = cfg ? cfg_tokens : cfg_tokens.narrow(0, 1, 1);
    // Standard reaches every layer; other types only their blocks (the rest skip the group entirely)
    if (group.type != diffusion::IpWeightType::Standard) {
      const auto reach = diffusion::ip_layer_weights(group.type, 1.0, 1.0, names);
      for (const double w : reach) t.layers.push_back(w != 0.0);
    }
    if (group.masked) {
      try {
        const auto mask = diffusion::preprocess_ip_mask(prompts[group.members.front()].mask, width, height);
        t.masks = diffusion::ip_masks_per_grid(mask, grids, model);
      } catch (...) {
        rethrow_with_context(what + " mask");
      }
    }
    groups_.push_back(std::move(t));
  }
  call_scales_ = table.to(device);
}

void IpLoopConditioning::select_call(std::int64_t call, diffusion::IpConditioning& groups) const {
  const auto row = call_scales_[call];  // [G, L], a view
  for (std::size_t g = 0; g < groups.size() && g < groups_.size(); ++g) {
    groups[g].layer_scales = row[static_cast<std::int64_t>(g)];
  }
}

}  // namespace poseforge::pipeline
