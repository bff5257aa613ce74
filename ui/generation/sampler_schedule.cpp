// Sampler names and schedules for the UI: the one ui/ file that includes the samplers (libtorch).
// Qt's `slots` macro (from the precompiled Qt header) clashes with an identifier in torch's headers.
#undef slots
#include "ui/generation/sampler_schedule.h"

#include <algorithm>

#include "core/diffusion/samplers/sampler.h"

namespace poseforge::ui {

const std::vector<std::string>& sampler_names() {
  return samplers::sampler_names();
}

const std::vector<std::string>& schedule_names() {
  return samplers::schedule_names();
}

io::SchedulerConfig sdxl_scheduler_config() {
  io::SchedulerConfig config;
  config.class_name = "EulerDiscreteScheduler";
  config.beta_start = 0.00085;
  config.beta_end = 0.012;
  config.beta_schedule = "scaled_linear";
  config.timestep_spacing = "leading";
  config.steps_offset = 1;
  config.clip_sample = false;
  config.set_alpha_to_one = false;
  config.skip_prk_steps = true;
  config.raw = {{"beta_start", 0.00085},         {"beta_end", 0.012},     {"beta_schedule", "scaled_linear"},
                {"timestep_spacing", "leading"}, {"steps_offset", 1},     {"clip_sample", false},
                {"set_alpha_to_one", false},     {"skip_prk_steps", true}};
  return config;
}

std::vector<double> step_sigmas(const std::string& name, int steps, const io::SchedulerConfig& config,
                                const std::string& schedule) {
  auto sampler = samplers::make_sampler(name, samplers::parse_schedule(schedule), config);
  sampler->set_timesteps(steps);
  const std::vector<double> calls = sampler->call_sigmas();
  const auto per_step = static_cast<std::size_t>(sampler->model_calls_per_step());
  std::vector<double> out;
  for (int i = 0; i < steps && !calls.empty(); ++i) out.push_back(calls[std::min(i * per_step, calls.size() - 1)]);
  out.push_back(0.0);
  return out;
}

}  // namespace poseforge::ui
