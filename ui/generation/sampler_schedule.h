// The sampler facts the UI needs (names, per-step sigma schedule) without including libtorch headers.
#pragma once

#include <string>
#include <vector>

#include "core/io/scheduler_config.h"

namespace poseforge::ui {

// samplers::sampler_names(): the names users pick from.
const std::vector<std::string>& sampler_names();

// samplers::schedule_names(): the schedules users pick beside the sampler ("Automatic", "Karras", ...).
const std::vector<std::string>& schedule_names();

// SDXL base 1.0's scheduler_config.json values (scaled_linear 0.00085..0.012, leading spacing, offset 1).
io::SchedulerConfig sdxl_scheduler_config();

// The schedule sampler `name` runs for `steps` steps on `schedule` (samplers::make_sampler +
// set_timesteps): one sigma per step (the noise level the step starts from), then 0. Throws
// poseforge::Error for an unknown name or schedule, or a step count the sampler refuses.
std::vector<double> step_sigmas(const std::string& name, int steps, const io::SchedulerConfig& config,
                                const std::string& schedule = "Automatic");

}  // namespace poseforge::ui
