// PreviewPacer: at which steps the loop makes a preview, from the user's interval and the measured cost of
// a preview against a step's, so previews cost at most a set share of the loop's time.
#pragma once

#include <map>
#include <string>

namespace poseforge::pipeline {

// Measured seconds of one preview of a kind and of one denoising step, at one size (0: not measured yet).
struct PreviewCost {
  double preview_s = 0.0;
  double step_s = 0.0;

  // A preview's time: the mean of the last ones (weights 1/2, 1/4, ...: the latest counts most, one odd
  // decode is soon forgotten). A step's: the fastest seen (steps slowed by a preview beside them say
  // nothing of the step itself).
  void observe_preview(double seconds);
  void observe_step(double seconds);
};

// The steps between two previews: `every` (the user's interval, >= 1), or more where a preview costs more
// than `budget` of the steps in between: the smallest n >= every with preview_s <= budget * n * step_s.
// `budget` <= 0 or a cost not measured yet: `every`.
int paced_interval(int every, double budget, const PreviewCost& cost);

class PreviewPacer {
 public:
  // `every` <= 0: never. `steps`: the run's sampler steps. `step_previews`: the cheap kind, whose first
  // preview comes after step 1 whatever it costs (a slider move shows something after one step) and which
  // shows the last step too; otherwise (full previews) the first comes after paced_interval steps and none
  // at the last step (a full decode there would only repeat the final picture, which follows at once), so
  // even a run shorter than the interval stays within the budget.
  PreviewPacer(int every, double budget, int steps, bool step_previews);

  // Whether a preview is due after step `step` (1-based) was completed: paced_interval steps after the one
  // before (after the start for the first full preview; the first step preview after step 1).
  bool due(int step, const PreviewCost& cost) const;
  void made(int step) { last_ = step; }

 private:
  int every_, steps_;
  double budget_;
  bool step_previews_;
  int last_ = 0;  // the step of the last preview (0: none yet)
};

// The costs of each preview kind at each size, kept between runs (a slider move re-uses them, so its
// run is paced from its first step). Keys: preview_cost_key.
using PreviewCosts = std::map<std::string, PreviewCost>;
std::string preview_cost_key(const char* kind, long long latent_height, long long latent_width);

}  // namespace poseforge::pipeline
