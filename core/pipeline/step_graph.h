// One denoising model call (ControlNet + UNet + classifier-free guidance) run eagerly, or replayed as a
// CUDA graph captured once per shape (size, batch, prompt length, image tokens, with/without ControlNet).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <torch/types.h>

#include "core/diffusion/controlnet.h"
#include "core/diffusion/unet_2d_condition.h"

namespace poseforge::pipeline {

// The inputs of one call, on the device. `control` undefined: the ControlNet does not act on this call.
// `guidance` undefined: no CFG (batch 1). Scales are device tensors, so a graph replays any value.
struct CallInputs {
  torch::Tensor input;               // [B, C, h, w] model dtype, already scaled by the sampler
  diffusion::UNetConditioning cond;  // timestep and the prompt/image conditioning for the batch
  torch::Tensor control;             // [B, 3, H, W] model dtype, or undefined
  torch::Tensor control_scale;       // [] float32 (ControlNet conditioning scale of this call)
  torch::Tensor guidance;            // [] float32, or undefined
};

// Called before the ControlNet runs and before the UNet runs (minimal memory: each brings its model to
// the GPU and sends the other away).
struct ModelSwap {
  std::function<void()> before_controlnet, before_unet;
};

// eps [1 or B, C, h, w] float32: ControlNet residuals (when control is defined), the UNet, then
// uncond + g * (cond - uncond) when guidance is defined. No host sync (capturable without `swap`).
torch::Tensor denoise_call(diffusion::UNet2DConditionModel& unet, diffusion::ControlNetModel& controlnet,
                           const CallInputs& in, const ModelSwap* swap = nullptr);

// Graphs per call shape, kept between generations (the weights must stay where they are: call clear()
// after moving or replacing any UNet/ControlNet weight). Only in a CUDA build on a CUDA device.
class StepGraphs {
 public:
  StepGraphs();
  ~StepGraphs();
  StepGraphs(const StepGraphs&) = delete;
  StepGraphs& operator=(const StepGraphs&) = delete;

  // True with a CUDA libtorch (POSEFORGE_CUDA) and a CUDA device.
  static bool supported(const torch::Device& device);

  // denoise_call's result, from the graph of this shape (captured on first use: one eager warm-up call
  // and the capture, on a side stream). The inputs are copied into the graph's own tensors; the
  // returned tensor is a fresh copy of the graph's output. Error when capture is not supported.
  torch::Tensor run(diffusion::UNet2DConditionModel& unet, diffusion::ControlNetModel& controlnet,
                    const CallInputs& in);

  std::size_t size() const { return graphs_.size(); }
  void clear();

  // Graphs kept at most (sizes, prompt lengths, image prompt counts in use); the least recently used goes.
  static constexpr std::size_t kMaxGraphs = 4;

 private:
  struct Graph;
  std::map<std::string, std::unique_ptr<Graph>> graphs_;
  std::uint64_t uses_ = 0;
};

}  // namespace poseforge::pipeline
