// PreviewPacer and the preview cost model.
#include "core/pipeline/preview_pacer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace poseforge::pipeline {

void PreviewCost::observe_preview(double seconds) {
  if (!(seconds > 0.0)) return;
  preview_s = preview_s > 0.0 ? 0.5 * (preview_s + seconds) : seconds;
}

void PreviewCost::observe_step(double seconds) {
  if (!(seconds > 0.0)) return;
  step_s = step_s > 0.0 ? std::min(step_s, seconds) : seconds;
}

int paced_interval(int every, double budget, const PreviewCost& cost) {
  every = std::max(1, every);
  if (!(budget > 0.0) || !(cost.preview_s > 0.0) || !(cost.step_s > 0.0)) return every;
  const double steps = cost.preview_s / (budget * cost.step_s);
  constexpr double kMaxInterval = 1e6;  // a preview that costs as much as a whole run: as good as never
  return std::max(every, static_cast<int>(std::ceil(std::min(steps - 1e-9, kMaxInterval))));
}

PreviewPacer::PreviewPacer(int every, double budget, int steps, bool step_previews)
    : every_(every), steps_(steps), budget_(budget), step_previews_(step_previews) {}

bool PreviewPacer::due(int step, const PreviewCost& cost) const {
  if (every_ <= 0 || step < 1 || step > steps_) return false;
  if (step == steps_ && !step_previews_) return false;
  if (last_ == 0 && step_previews_) return true;
  return step - last_ >= paced_interval(every_, budget_, cost);
}

std::string preview_cost_key(const char* kind, long long latent_height, long long latent_width) {
  return fmt::format("{} {}x{}", kind, latent_height, latent_width);
}

}  // namespace poseforge::pipeline
