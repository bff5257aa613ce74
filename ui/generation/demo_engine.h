// DemoEngine: a stand-in GenerationEngine that runs a real sampler schedule over seeded noise, so the
// app can be used and tested before a model is loaded. Its pictures are not model outputs.
#pragma once

#include "core/io/scheduler_config.h"
#include "ui/generation/generation_engine.h"
#include "ui/generation/sampler_schedule.h"

namespace poseforge::ui {

struct DemoEngineOptions {
  // Simulated model time per step (the sampler update itself takes well under a millisecond), so a
  // run can be watched; the timings reported are the measured wall times, this delay included.
  int step_delay_ms = 60;
  // The schedule's source; the default is SDXL's scheduler_config.json values.
  io::SchedulerConfig scheduler = sdxl_scheduler_config();
};

// Per run: resolves the seed, takes the named sampler's schedule (step_sigmas: make_sampler +
// set_timesteps) and,
// for each step, blends seeded Gaussian pixel noise into a seeded smooth colour field in proportion
// to the schedule's sigma, so the preview clears up as the sampler's noise level falls. Ignores the
// pose, image prompts and text (it has no model). Throws poseforge::Error for invalid settings
// (Request::problems(), except the missing pose) and unknown samplers.
class DemoEngine : public GenerationEngine {
 public:
  explicit DemoEngine(DemoEngineOptions options = {});
  EngineInfo info() const override;
  GenerationResult generate(const pipeline::Request& request, const pipeline::Inputs& inputs, const ProgressFn& progress,
                            const std::atomic<bool>& cancel) override;

 private:
  DemoEngineOptions options_;
};

}  // namespace poseforge::ui
