// DenoiseLoop: one sample's denoising (ControlNet + UNet with CFG, sampler steps, progress, cancel) and decode.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/pipeline/model_set.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/step_graph.h"

namespace poseforge::pipeline {

class IpLoopConditioning;
class StepGraphs;

// The conditioning of one generation, already on the device.
struct LoopSetup {
  bool cfg = true;                   // batch of 2 (negative, positive) with guidance; 1 without
  diffusion::UNetConditioning cond;  // encoder_hidden_states, text_embeds, time_ids, image_tokens for the batch
  torch::Tensor control;             // [batch, 3, H, W] in [0, 1], model dtype
  torch::Tensor guidance;            // [] float32 on the device
  double controlnet_scale = 1.0;
  double control_start = 0.0, control_end = 1.0;  // fractions of the model calls where ControlNet acts
  int full_preview_every = 0;                     // K > 0: a VAE decode as preview every K steps
  const IpLoopConditioning* ip = nullptr;         // image prompt groups: cond.ip_groups gets their scales per call
  StepGraphs* graphs = nullptr;                   // set: each call replays a CUDA graph (CUDA only)
  bool taesd_previews = false;                    // previews by models.taesd (else the linear preview)
  bool tiled_decode = false;                      // the final decode in tiles (AutoencoderKL::decode_tiled)
  std::function<void()> after_denoising;          // called after the last model call, before the decode
  const ModelSwap* swap = nullptr;                // minimal memory: one model on the GPU at a time (no graphs)
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

struct LoopResult {
  torch::Tensor image;                      // [1, H, W, 3] float32 in [0, 1] on the CPU
  std::vector<double> step_seconds;         // per sampler step
  std::vector<torch::Tensor> step_latents;  // after each call's step (float32, CPU), when kept
  // The batch size of each UNet / ControlNet call as run (2 with CFG, 1 without; no ControlNet call where
  // it is off): what guidance 1 saves, checked by tests.
  std::vector<std::int64_t> unet_batches, controlnet_batches;
  std::vector<std::string> notes;           // what the run recovered from (a NaN decode redone in float32)
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
  // The final decode is checked (decode_check.h): NaN latents are an Error naming the stage, a NaN
  // picture is decoded again in float32 once (result.notes says so).
  // The per-call work (scale input, ControlNet, UNet, CFG, sampler step) has no host sync; previews
  // are made on the device and read back asynchronously (ProgressReadback): on the CPU progress comes
  // after every call as it happens; on CUDA a call's progress comes once its preview copy has landed,
  // polled at the following calls, and the last calls' progress comes at the end of the loop.
  LoopResult run(torch::Tensor latents, samplers::NoiseSource& noise, int sample, int samples, bool keep_step_latents);

  // latents [1, C, h, w] (UNet space) -> VAE -> [1, H, W, 3] float32 in [0, 1] on the CPU.
  torch::Tensor decode(const torch::Tensor& latents) const;
  // The same, [1, H, W, 3] float32 in [0, 1] left on the device (no host sync).
  torch::Tensor decode_on_device(const torch::Tensor& latents, bool tiled = false) const;

 private:
  void check_cancel() const;
  // The cheap per-step preview ([h, w, 3] uint8 on the device): TAESD-XL when loaded and on, else linear.
  torch::Tensor step_preview(const torch::Tensor& latents) const;

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
