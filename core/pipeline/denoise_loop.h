// DenoiseLoop: one sample's denoising (ControlNet + UNet with CFG, sampler steps, progress, cancel) and decode.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/Stream.h>
#include <torch/types.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/pipeline/model_set.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/preview_pacer.h"
#include "core/pipeline/step_graph.h"

namespace poseforge::pipeline {

class IpLoopConditioning;
struct PreviewPlan;
class StepGraphs;

// The conditioning of one generation, already on the device.
struct LoopSetup {
  bool cfg = true;                   // batch of 2 (negative, positive) with guidance; 1 without
  diffusion::UNetConditioning cond;  // encoder_hidden_states, text_embeds, time_ids, image_tokens for the batch
  torch::Tensor control;             // [batch, 3, H, W] in [0, 1], model dtype
  torch::Tensor guidance;            // [] float32 on the device
  double controlnet_scale = 1.0;
  double control_start = 0.0, control_end = 1.0;  // fractions of the model calls where ControlNet acts
  const IpLoopConditioning* ip = nullptr;         // image prompt groups: cond.ip_groups gets their scales per call
  StepGraphs* graphs = nullptr;                   // set: each call replays a CUDA graph (CUDA only)
  PreviewOptions previews;                        // which previews, how often (taesd: by models.taesd when loaded)
  PreviewCosts* preview_costs = nullptr;          // the previews' measured costs, kept between runs (null: this run's)
  // CUDA: the stream each kind of preview runs on beside the loop's (absent: between the steps on the loop's)
  std::optional<c10::Stream> full_preview_stream, step_preview_stream;
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
  // The per-call work (scale input, ControlNet, UNet, CFG, sampler step) has no host sync; the host
  // keeps at most kCallsAhead calls queued ahead of the device (waiting by polling their stamps), so
  // progress, previews and cancel follow the device, not the host's queue. Previews (LoopPreviews:
  // paced by their measured cost, on their own stream when the setup gives one) are made on the device
  // and read back asynchronously (ProgressReadback): on the CPU progress comes after every call as it
  // happens; on CUDA a call's progress comes once the call and its preview copy are done, polled while
  // the host waits for the device, and the last calls' progress at the end of the loop.
  LoopResult run(torch::Tensor latents, samplers::NoiseSource& noise, int sample, int samples, bool keep_step_latents);

  // Calls queued on the device ahead of the one it runs: 2 keeps it fed (one running, one waiting)
  // while a preview or a cancel waits at most about two calls.
  static constexpr std::size_t kCallsAhead = 2;

  // latents [1, C, h, w] (UNet space) -> VAE -> [1, H, W, 3] float32 in [0, 1] on the CPU.
  torch::Tensor decode(const torch::Tensor& latents) const;
  // The same, [1, H, W, 3] float32 in [0, 1] left on the device (no host sync).
  torch::Tensor decode_on_device(const torch::Tensor& latents, bool tiled = false) const;

 private:
  void check_cancel() const;
  // How this loop makes its previews: the VAE decode and the step preview (TAESD-XL when loaded and on,
  // else linear), their intervals, budgets and streams.
  PreviewPlan preview_plan() const;

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
