// The denoising loop of diffusers' StableDiffusionXLControlNetPipeline (with IP-Adapter), one sample.
#include "core/pipeline/denoise_loop.h"

#include <algorithm>
#include <deque>
#include <thread>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/pipeline/decode_check.h"
#include "core/pipeline/fault_hooks.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/ip_groups.h"
#include "core/pipeline/latent_preview.h"
#include "core/pipeline/loop_previews.h"
#include "core/pipeline/progress_readback.h"
#include "core/pipeline/step_graph.h"
#include "core/pipeline/stream_stamp.h"
#include "core/pipeline/taesd_preview.h"

namespace poseforge::pipeline {

std::vector<double> controlnet_keep(std::int64_t calls, double start, double end) {
  std::vector<double> keep;
  for (std::int64_t i = 0; i < calls; ++i) {
    const double n = static_cast<double>(calls);
    const bool off = static_cast<double>(i) / n < start || static_cast<double>(i + 1) / n > end;
    keep.push_back(off ? 0.0 : 1.0);
  }
  return keep;
}

DenoiseLoop::DenoiseLoop(ModelSet& models, samplers::Sampler& sampler, const LoopSetup& setup,
                         const ProgressFn& progress, const std::atomic<bool>* cancel)
    : models_(models),
      sampler_(sampler),
      setup_(setup),
      progress_(progress),
      cancel_(cancel),
      keep_(controlnet_keep(sampler.num_calls(), setup.control_start, setup.control_end)),
      sigmas_(sampler.call_sigmas()),
      loop_start_(std::chrono::steady_clock::now()) {
  std::vector<float> scales;
  for (double k : keep_) scales.push_back(static_cast<float>(setup.controlnet_scale * k));
  cond_scales_ = torch::tensor(scales, torch::kFloat32).to(models.device);
}

void DenoiseLoop::check_cancel() const {
  if (cancel_ && cancel_->load()) throw Cancelled();
}

torch::Tensor DenoiseLoop::decode_on_device(const torch::Tensor& latents, bool tiled) const {
  auto& vae = models_.vae;
  const auto z = vae->unscale_latents(latents.to(models_.vae_dtype));
  return decoded_to_unit_hwc_on_device(tiled ? vae->decode_tiled(z) : vae->decode(z));
}

PreviewPlan DenoiseLoop::preview_plan() const {
  PreviewPlan plan;
  const PreviewOptions& o = setup_.previews;
  const bool tiled = setup_.tiled_decode;  // low memory: the previews' decode in tiles too, as the final one
  if (o.full_every > 0) {
    plan.full = [this, tiled](const torch::Tensor& z) { return unit_hwc_to_bytes(decode_on_device(z, tiled)[0]); };
  }
  plan.full_every = o.full_every;
  plan.full_budget = o.full_budget;
  plan.step_budget = o.step_budget;
  if (o.taesd && models_.taesd) {
    plan.step = [this](const torch::Tensor& z) { return taesd_preview_bytes(*models_.taesd, z); };
    plan.step_kind = "taesd";
  } else {
    plan.step = [](const torch::Tensor& z) { return latent_preview_bytes(z); };
  }
  plan.full_stream = setup_.full_preview_stream;
  plan.step_stream = setup_.step_preview_stream;
  return plan;
}

torch::Tensor DenoiseLoop::decode(const torch::Tensor& latents) const {
  return decode_on_device(latents).cpu();
}

LoopResult DenoiseLoop::run(torch::Tensor latents, samplers::NoiseSource& noise, int sample, int samples,
                            bool keep_step_latents) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  sampler_.reset();
  const std::int64_t calls = sampler_.num_calls();
  const int steps = static_cast<int>(sampler_.steps());
  const int per_step = std::max(1, sampler_.model_calls_per_step());
  const auto dtype = models_.dtype;
  diffusion::UNetConditioning cond = setup_.cond;
  LoopResult result;
  auto step_began = Clock::now();
  int steps_done = 0;
  // Timing is stamped when a progress is delivered (on CUDA: when the GPU got there, not when the host
  // queued the call). Calls over all samples of this loop give the ETA.
  const std::int64_t calls_before = calls_done_;
  const torch::Device device = latents.device();
  // Declared before the read-back, which may still hold their cost callbacks until it is destroyed.
  std::optional<LoopPreviews> previews;
  if (progress_) previews.emplace(preview_plan(), setup_.preview_costs, steps, latents.size(2), latents.size(3));
  ProgressReadback readback(progress_, [&, calls_before](Progress& p) {
    const auto now = Clock::now();
    const double done = static_cast<double>(calls_before + p.call);
    p.elapsed_s = seconds(now - setup_.start);
    const double per_call = seconds(now - loop_start_) / done;
    p.seconds_per_step = per_call * per_step;
    p.eta_s = per_call * (static_cast<double>(calls * samples) - done);
  });

  // The calls queued on the device and not known done: each one's stamps before and after its work.
  struct Queued {
    StreamStamp begun, done;
  };
  std::deque<Queued> queued;
  // Drops the calls the device has done, timing each for the previews' pacing, and waits (delivering
  // progress meanwhile) until no more than `ahead` calls are left queued (0: all of them done).
  auto retire = [&](std::size_t ahead) {
    while (!queued.empty()) {
      if (!queued.front().done.reached()) {
        if (queued.size() <= ahead) return;
        readback.poll();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      if (previews) previews->observe_step(queued.front().done.seconds_since(queued.front().begun) * per_step);
      queued.pop_front();
    }
  };

  const FaultHooks& hooks = fault_hooks();
  for (std::int64_t i = 0; i < calls; ++i) {
    check_cancel();
    retire(kCallsAhead - 1);  // this call makes kCallsAhead queued
    check_cancel();
    Queued stamps;
    stamps.begun = StreamStamp::record(device);
    if (hooks.before_model_call) hooks.before_model_call(i);
    // 1. model input: the latents twice for CFG (negative, positive), scaled for this call
    const torch::Tensor doubled = setup_.cfg ? torch::cat({latents, latents}) : latents;
    const torch::Tensor input = sampler_.scale_model_input(doubled, i).to(dtype);
    cond.timestep = sampler_.timesteps()[i];
    if (setup_.ip) setup_.ip->select_call(i, cond.ip_groups);  // this call's per-layer scales (views)
    // 2. ControlNet residuals while it acts (a zero scale would add zeros: skipped), then the UNet,
    // 3. classifier-free guidance in float32: uncond + g * (cond - uncond); replayed as a CUDA graph
    // when the pipeline gave StepGraphs (the same kernels, without the per-kernel launch cost)
    CallInputs call;
    call.input = input;
    call.cond = cond;
    if (keep_[static_cast<std::size_t>(i)] > 0.0) call.control = setup_.control;
    call.control_scale = cond_scales_[i];
    if (setup_.cfg) call.guidance = setup_.guidance;
    const torch::Tensor eps = setup_.graphs ? setup_.graphs->run(models_.unet, models_.controlnet, call)
                                            : denoise_call(models_.unet, models_.controlnet, call, setup_.swap);
    if (call.control.defined()) result.controlnet_batches.push_back(input.size(0));
    result.unet_batches.push_back(input.size(0));
    // 4. sampler update (float32 latents)
    latents = sampler_.step(eps, i, latents, noise);
    stamps.done = StreamStamp::record(device);
    queued.push_back(stamps);
    ++calls_done_;

    // 5. bookkeeping and progress, after the step (previews are read back asynchronously)
    if (keep_step_latents) result.step_latents.push_back(latents.to(torch::kCPU, torch::kFloat32));
    const int now_done = i + 1 == calls ? steps : std::min(steps, static_cast<int>((i + 1) / per_step));
    const bool step_completed = now_done > steps_done;
    if (step_completed) {
      const auto t = Clock::now();
      for (int k = steps_done; k < now_done; ++k)
        result.step_seconds.push_back(seconds(t - step_began) / (now_done - steps_done));
      step_began = t;
      steps_done = now_done;
    }
    if (progress_) {
      Progress p;
      p.sample = sample;
      p.samples = samples;
      p.call = static_cast<int>(i + 1);
      p.calls = static_cast<int>(calls);
      p.step = steps_done;
      p.steps = steps;
      p.sigma = sigmas_.empty() ? 0.0 : sigmas_[static_cast<std::size_t>(i)];
      // the preview due after this step, if any, queued on its stream once the step is done; the read-back
      // delivers the progress once the call is done and the preview's copy has landed
      PendingPreview preview = previews->after_step(step_completed ? steps_done : 0, latents, stamps.done);
      readback.push(std::move(p), stamps.done, std::move(preview));
    }
  }
  check_cancel();
  if (setup_.after_denoising) setup_.after_denoising();
  const bool tiled = setup_.tiled_decode;
  torch::Tensor image = decode_on_device(latents, tiled);  // queued before waiting for the last previews
  readback.flush();
  retire(0);
  if (previews) {
    if (const std::string note = previews->pacing_note(); !note.empty()) spdlog::info("previews: {}", note);
  }
  const DecodeFn decode = [this, tiled](const torch::Tensor& z) { return decode_on_device(z, tiled); };
  result.image = checked_decode(models_, latents, std::move(image), decode, sample, result.notes);
  return result;
}

}  // namespace poseforge::pipeline
