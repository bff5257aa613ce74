// DenoiseLoop: one sample's denoising (ControlNet + UNet with CFG, sampler steps, progress, cancel) and decode.
#pragma once

#include <atomic>
#include <chrono>
#include <vector>

#include <torch/types.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/pipeline/model_set.h"
#include "core/pipeline/pipeline.h"

namespace poseforge::pipeline {

// The conditioning of one generation, already on the device.
struct LoopSetup {
  bool cfg = true;                   // batch of 2 (negative, positive) with guidance; 1 without
  diffusion::UNetConditioning cond;  // encoder_hidden_states, text_embeds, time_ids, image_tokens for the batch
  torch::Tensor control;             // [batch, 3, H, W] in [0, 1], model dtype
  torch::Tensor guidance;            // [] float32 on the device
  double controlnet_scale = 1.0;
  double control_start = 0.0, control_end = 1.0;  // fractions of the model calls where ControlNet acts
  int full_preview_every = 0;                     // K > 0: a VAE decode as preview every K steps
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

struct LoopResult {
  torch::Tensor image;                      // [1, H, W, 3] float32 in [0, 1] on the CPU
  std::vector<double> step_seconds;         // per sampler step
  std::vector<torch::Tensor> step_latents;  // after each call's step (float32, CPU), when kept
  // The batch size of each UNet / ControlNet call as run (2 with CFG, 1 without; no ControlNet call where
  // it is off): what guidance 1 saves, checked by tests.
  std::vector<std::int64_t> unet_batches, controlnet_batches;
};

// diffusers' controlnet_keep: call i of n keeps the ControlNet unless i/n < start or (i+1)/n > end.
std::vector<double> controlnet_keep(std::int64_t calls, double start, double end);

class DenoiseLoop {
 public:
  // `sampler` has its timesteps set. References must outlive the loop.
  DenoiseLoop(ModelSet& models, samplers::Sampler& sampler, const LoopSetup& setup, const ProgressFn& progress,
              const std::atomic<bool>* cancel);

  // Denoises `latents` ([1, C, h, w] float32 on the device, already * init_noise_sigma) and decodes them.
  // Sample `sample` of `samples` (for progress). Throws Cancelled when the flag is set between calls.
  // The per-call work (scale input, ControlNet, UNet, CFG, sampler step) has no host sync; previews
  // are made on the device and read back asynchronously (ProgressReadback): on the CPU progress comes
  // after every call as it happens; on CUDA a call's progress comes once its preview copy has landed,
  // polled at the following calls, and the last calls' progress comes at the end of the loop.
  LoopResult run(torch::Tensor latents, samplers::NoiseSource& noise, int sample, int samples, bool keep_step_latents);

  // latents [1, C, h, w] (UNet space) -> VAE -> [1, H, W, 3] float32 in [0, 1] on the CPU.
  torch::Tensor decode(const torch::Tensor& latents) const;
  // The same, [1, H, W, 3] float32 in [0, 1] left on the device (no host sync).
  torch::Tensor decode_on_device(const torch::Tensor& latents) const;

 private:
  void check_cancel() const;

  ModelSet& models_;
  samplers::Sampler& sampler_;
  const LoopSetup& setup_;
  const ProgressFn& progress_;
  const std::atomic<bool>* cancel_;
  std::vector<double> keep_;
  torch::Tensor cond_scales_;  // [calls] float32 on the device: controlnet_scale * keep
  std::vector<double> sigmas_;
  std::chrono::steady_clock::time_point loop_start_;
  std::int64_t calls_done_ = 0;  // over all samples, for the ETA
};

}  // namespace poseforge::pipeline
