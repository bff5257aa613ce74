// The preview figures of poseforge-bench pipeline.
#include "bench/preview_bench.h"

#include <algorithm>

#include <fmt/format.h>

#include "bench/cuda_memory.h"

namespace poseforge::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double percent(double with, double without) {
  return without > 0.0 ? 100.0 * (with / without - 1.0) : 0.0;
}

}  // namespace

TimedRun timed_run(pipeline::Pipeline& pipe, const pipeline::Request& request, const pipeline::Inputs& inputs,
                   const torch::Device& device, bool with_progress) {
  TimedRun r;
  const auto start = Clock::now();
  auto progress = [&](const pipeline::Progress& p) {
    const double at = seconds(start, Clock::now());
    if (r.callbacks++ == 0) r.first_progress_s = at;
    if (!p.preview) return;
    if (r.previews++ == 0) {
      r.first_preview_s = at;
      r.first_preview_step = p.step;
      r.first_preview_full = p.full_preview;
    }
    if (p.full_preview) ++r.full_previews;
  };
  const auto result = with_progress ? pipe.generate(request, inputs, progress) : pipe.generate(request, inputs);
  synchronize(device);
  r.total_s = seconds(start, Clock::now());
  double loop = 0.0;
  for (double s : result.step_seconds) loop += s;
  r.loop_step_s = result.step_seconds.empty() ? 0.0 : loop / static_cast<double>(result.step_seconds.size());
  r.width = result.images.front().width;
  r.height = result.images.front().height;
  return r;
}

std::string previews_summary(const TimedRun& run) {
  if (run.previews == 0) return "no previews";
  return fmt::format("{} previews ({} full), the first {:.3f} s after the start (step {}{})", run.previews,
                     run.full_previews, run.first_preview_s, run.first_preview_step,
                     run.first_preview_full ? ", full" : "");
}

void print_preview_cost(pipeline::Pipeline& pipe, const pipeline::Request& request, const pipeline::Inputs& inputs,
                        const torch::Device& device, int pairs) {
  for (int pair = 1; pair <= pairs; ++pair) {
    const TimedRun with = timed_run(pipe, request, inputs, device, true);
    const TimedRun without = timed_run(pipe, request, inputs, device, false);
    fmt::print(
        "preview cost {}: {:.4f} s a step with previews ({}), {:.4f} s without (no progress callback): "
        "{:+.1f}% a step (loop timer); run {:.3f} s against {:.3f} s: {:+.1f}%\n",
        pair, with.loop_step_s, previews_summary(with), without.loop_step_s,
        percent(with.loop_step_s, without.loop_step_s), with.total_s, without.total_s,
        percent(with.total_s, without.total_s));
  }
}

void print_slider_runs(pipeline::Pipeline& pipe, pipeline::Request request, const pipeline::Inputs& inputs,
                       const torch::Device& device, int runs) {
  const bool with_ip = !inputs.image_prompts.empty();
  const double controlnet = request.controlnet_scale, ip = request.ip_adapter_scale;
  double slowest = 0.0;
  for (int run = 1; run <= runs; ++run) {
    // small moves either side of the starting value, as a dragged slider makes them
    const double move = 0.05 * ((run + 1) / 2) * (run % 4 < 2 ? 1 : -1);
    const bool ip_slider = with_ip && run % 2 == 0;
    std::string slider;
    if (ip_slider) {
      request.ip_adapter_scale = std::max(0.0, ip + move);
      slider = fmt::format("IP-Adapter scale {:.2f}", request.ip_adapter_scale);
    } else {
      request.controlnet_scale = std::max(0.0, controlnet + move);
      slider = fmt::format("ControlNet scale {:.2f}", request.controlnet_scale);
    }
    const TimedRun r = timed_run(pipe, request, inputs, device, true);
    fmt::print("slider run {} ({}): first progress {:.3f} s, {}, run {:.3f} s\n", run, slider, r.first_progress_s,
               previews_summary(r), r.total_s);
    slowest = std::max(slowest, r.previews > 0 ? r.first_preview_s : r.total_s);
  }
  fmt::print("first preview after a slider change: {:.3f} s at the slowest of {} runs (target < 0.3 s)\n", slowest,
             runs);
}

}  // namespace poseforge::bench
