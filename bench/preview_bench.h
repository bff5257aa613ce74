// poseforge-bench pipeline's preview figures: what a run's progress callbacks saw (previews, the first one's
// time), the previews' cost a step, and the first preview after a slider change.
#pragma once

#include <chrono>

#include <torch/types.h>

#include "core/pipeline/pipeline.h"

namespace poseforge::bench {

// One generation, timed: the whole run (synchronised), the loop's mean step, what the callbacks saw.
struct TimedRun {
  double total_s = 0.0;
  double loop_step_s = 0.0;  // the loop's own step timer (the engine keeps the host at most 2 calls ahead)
  int callbacks = 0, previews = 0, full_previews = 0;
  double first_progress_s = -1.0, first_preview_s = -1.0;  // from the run's start; -1: none
  int first_preview_step = 0;
  bool first_preview_full = false;
  int width = 0, height = 0;  // the picture's
};

// `with_progress` false: no progress callback, so no previews at all (the baseline of their cost).
TimedRun timed_run(pipeline::Pipeline& pipe, const pipeline::Request& request, const pipeline::Inputs& inputs,
                   const torch::Device& device, bool with_progress = true);

// "12 previews (2 full), the first 0.081 s after the start (step 1)".
std::string previews_summary(const TimedRun& run);

// `pairs` times: a run with the previews and one without (no progress callback), back to back on the
// cached conditioning; prints each pair's step times and the previews' cost a step.
void print_preview_cost(pipeline::Pipeline& pipe, const pipeline::Request& request, const pipeline::Inputs& inputs,
                        const torch::Device& device, int pairs);

// `runs` runs on the cached conditioning, each after a slider move (the ControlNet scale; with an image
// prompt every other run the IP-Adapter scale), as the app runs when a slider moves; prints the time from
// each run's start to its first progress and first preview, and the slowest first preview.
void print_slider_runs(pipeline::Pipeline& pipe, pipeline::Request request, const pipeline::Inputs& inputs,
                       const torch::Device& device, int runs);

}  // namespace poseforge::bench
