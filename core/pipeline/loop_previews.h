// LoopPreviews: the previews of one denoising run: which step gets which (PreviewPacer), made on their own
// stream beside the denoising on CUDA, their costs measured for the pacing of this and later runs.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <c10/core/Stream.h>
#include <torch/types.h>

#include "core/pipeline/preview_pacer.h"
#include "core/pipeline/stream_stamp.h"

namespace poseforge::pipeline {

// A preview queued on the device: its bytes once `stream` gets there (ProgressReadback copies them to the
// host on that stream), and what to tell when its time is known.
struct PendingPreview {
  torch::Tensor bytes;                           // [h, w, 3] uint8 on the device; undefined: no preview
  std::optional<c10::Stream> stream;             // the stream it was made on (absent: the current one)
  bool full = false;                             // a VAE decode (else the step preview)
  StreamStamp begun;                             // on `stream`, before its first kernel
  std::function<void(double seconds)> measured;  // gets the seconds from `begun` to the copy's landing
};

// How the loop makes its previews.
struct PreviewPlan {
  using MakeFn = std::function<torch::Tensor(const torch::Tensor& latents)>;  // -> [h, w, 3] uint8, no sync
  MakeFn full, step;   // the VAE decode; the step preview (TAESD-XL or linear)
  int full_every = 0;  // PreviewOptions::full_every
  double full_budget = 0.0, step_budget = 0.0;
  const char* step_kind = "latent";                     // names the step preview's costs ("taesd", "latent")
  std::optional<c10::Stream> full_stream, step_stream;  // where each kind runs (absent: the loop's stream)
};

class LoopPreviews {
 public:
  // `costs` (may be null: measured for this run only) keeps the costs between runs; `steps` is the run's
  // sampler steps and [h, w] its latent size (the costs' key).
  LoopPreviews(PreviewPlan plan, PreviewCosts* costs, int steps, long long latent_h, long long latent_w);

  // After step `step` (1-based; 0: a call that completed no step, which gets no preview) whose `latents`
  // are done at `step_done` (on the loop's stream): the preview due now, queued on its stream after
  // `step_done`, with no host wait; undefined bytes when none is due.
  PendingPreview after_step(int step, const torch::Tensor& latents, const StreamStamp& step_done);

  // One denoising step's seconds on the device, measured by the loop (paces both kinds).
  void observe_step(double seconds);

  const PreviewCost& full_cost() const { return *full_cost_; }
  const PreviewCost& step_cost() const { return *step_cost_; }
  // Where this run's measurements changed a kind's interval (the first run of a size, a slower or faster
  // preview): "full previews every 12 steps (asked 5): a VAE decode 0.0710 s, a step 0.0620 s, budget 8%";
  // empty otherwise. For the log.
  std::string pacing_note() const;

 private:
  PendingPreview make(const PreviewPlan::MakeFn& fn, const std::optional<c10::Stream>& stream, bool full,
                      PreviewCost* cost, const torch::Tensor& latents, const StreamStamp& step_done);

  PreviewPlan plan_;
  PreviewCosts own_;  // when no costs are kept between runs
  PreviewCost* full_cost_;
  PreviewCost* step_cost_;
  PreviewPacer full_pacer_, step_pacer_;
  int full_interval_at_start_, step_interval_at_start_;
};

}  // namespace poseforge::pipeline
