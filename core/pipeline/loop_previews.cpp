// LoopPreviews: pacing, the preview stream's ordering against the loop's, cost measurement.
#include "core/pipeline/loop_previews.h"

#include <c10/core/StreamGuard.h>
#include <fmt/format.h>
#include <torch/torch.h>

namespace poseforge::pipeline {

LoopPreviews::LoopPreviews(PreviewPlan plan, PreviewCosts* costs, int steps, long long latent_h, long long latent_w)
    : plan_(std::move(plan)),
      full_pacer_(plan_.full ? plan_.full_every : 0, plan_.full_budget, steps, /*step_previews=*/false),
      step_pacer_(plan_.step ? 1 : 0, plan_.step_budget, steps, /*step_previews=*/true) {
  PreviewCosts& kept = costs ? *costs : own_;
  full_cost_ = &kept[preview_cost_key("vae", latent_h, latent_w)];
  step_cost_ = &kept[preview_cost_key(plan_.step_kind, latent_h, latent_w)];
  full_interval_at_start_ = paced_interval(plan_.full_every, plan_.full_budget, *full_cost_);
  step_interval_at_start_ = paced_interval(1, plan_.step_budget, *step_cost_);
}

std::string LoopPreviews::pacing_note() const {
  std::string note;
  auto add = [&](const char* what, const char* preview, int every, double budget, const PreviewCost& cost, int before) {
    const int now = paced_interval(every, budget, cost);
    if (now == before) return;
    note += fmt::format("{}{} previews every {} steps (asked {}): {} {:.4f} s, a step {:.4f} s, budget {:.0f}%",
                        note.empty() ? "" : "; ", what, now, every, preview, cost.preview_s, cost.step_s, 100 * budget);
  };
  if (plan_.full)
    add("full", "a VAE decode", plan_.full_every, plan_.full_budget, *full_cost_, full_interval_at_start_);
  if (plan_.step) add("step", plan_.step_kind, 1, plan_.step_budget, *step_cost_, step_interval_at_start_);
  return note;
}

void LoopPreviews::observe_step(double seconds) {
  full_cost_->observe_step(seconds);
  step_cost_->observe_step(seconds);
}

PendingPreview LoopPreviews::after_step(int step, const torch::Tensor& latents, const StreamStamp& step_done) {
  if (step < 1) return {};
  PendingPreview p;
  if (full_pacer_.due(step, *full_cost_)) {
    p = make(plan_.full, plan_.full_stream, /*full=*/true, full_cost_, latents, step_done);
  } else if (step_pacer_.due(step, *step_cost_)) {
    p = make(plan_.step, plan_.step_stream, /*full=*/false, step_cost_, latents, step_done);
  } else {
    return {};
  }
  if (p.full) full_pacer_.made(step);
  step_pacer_.made(step);  // a full preview shows the step too
  return p;
}

PendingPreview LoopPreviews::make(const PreviewPlan::MakeFn& fn, const std::optional<c10::Stream>& stream, bool full,
                                  PreviewCost* cost, const torch::Tensor& latents, const StreamStamp& step_done) {
  PendingPreview p;
  p.full = full;
  p.stream = stream;
  std::optional<c10::StreamGuard> on_stream;
  if (stream) {
    // The preview stream starts once the step's latents are done, and the caching allocator keeps their
    // block from the loop's stream until the preview's kernels that read it have run (the loop drops its
    // reference at the next step). Nothing waits on the host.
    step_done.block(*stream);
    if (latents.device().is_cuda()) latents.record_stream(*stream);
    on_stream.emplace(*stream);
    p.begun = StreamStamp::record(*stream);
  } else {
    p.begun = StreamStamp::record(latents.device());
  }
  p.bytes = fn(latents);
  p.measured = [cost](double seconds) { cost->observe_preview(seconds); };
  return p;
}

}  // namespace poseforge::pipeline
