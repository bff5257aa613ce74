// The IP-Adapter part of one generation: image prompts grouped where they agree, each group's tokens,
// per-layer weights by weight type, per-call on/off by start/end, and regional masks per attention grid.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "core/diffusion/ip_conditioning.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/pipeline/pipeline.h"

namespace poseforge::pipeline {

// Image prompts that act together: one averaged embedding (weights relative among the members, as
// ImagePromptEncoder::embeds_cfg averages them). Prompts agree when they share type, start and end
// and neither has a mask; a masked prompt is a group of its own (diffusers' masked images attend one
// by one). The group acts with the largest weight (and composition weight) of its members.
struct ImagePromptGroup {
  std::vector<std::size_t> members;  // indices into the prompts, in order
  diffusion::IpWeightType type = diffusion::IpWeightType::Standard;
  double weight = 1.0;
  double composition_weight = 1.0;
  double start = 0.0, end = 1.0;
  bool masked = false;  // one member, whose mask applies
};
std::vector<ImagePromptGroup> group_image_prompts(const std::vector<Inputs::ImagePrompt>& prompts);

// (negative, positive) tokens [2, T, D] of one group's members (the engine's cached encoder call).
using GroupTokensFn = std::function<torch::Tensor(const std::vector<Inputs::ImagePrompt>& members)>;

// The IP-Adapter conditioning of every call of one generation. Built once per run (masks resized,
// layer weights and the per-call on/off table on the device); select_call only points each group at
// its row of that table: no host sync and no new tensor data per call.
class IpLoopConditioning {
 public:
  // `calls`: the sampler's model calls; `cfg`: batch of 2 (negative, positive) or positive only.
  // Latents are latent_h x latent_w; masks are made at width x height (the output). Throws Error
  // for a type whose blocks the UNet lacks (naming the prompt) or an unusable mask.
  IpLoopConditioning(const std::vector<Inputs::ImagePrompt>& prompts, const GroupTokensFn& tokens,
                     const diffusion::UNet2DConditionModel& unet, std::int64_t calls, bool cfg, std::int64_t latent_h,
                     std::int64_t latent_w, int width, int height, torch::Device device, torch::Dtype dtype);

  const diffusion::IpConditioning& groups() const { return groups_; }
  const std::vector<ImagePromptGroup>& plan() const { return plan_; }
  // [calls, groups, layers] float32 on the device: group g's scale on layer l at call i.
  const torch::Tensor& call_scales() const { return call_scales_; }
  // Sets each group's layer_scales in `groups` (a copy of groups()) to call `call`'s row.
  void select_call(std::int64_t call, diffusion::IpConditioning& groups) const;

 private:
  std::vector<ImagePromptGroup> plan_;
  diffusion::IpConditioning groups_;
  torch::Tensor call_scales_;
};

}  // namespace poseforge::pipeline
