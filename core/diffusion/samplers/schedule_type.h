// ScheduleType: the noise schedule a sampler runs on, chosen beside the sampler (A1111's "Schedule type",
// ComfyUI's scheduler): Automatic, Uniform, Karras, Exponential, SGM Uniform, Model default.
#pragma once

#include <string>
#include <vector>

#include "core/io/scheduler_config.h"

namespace poseforge::samplers {

enum class ScheduleType {
  Automatic,     // the sampler name's own (Karras for "... Karras" names), else scheduler_config.json's
  Uniform,       // timesteps evenly spaced over the whole training range (timestep_spacing linspace)
  Karras,        // Karras et al. (2022) sigmas, rho 7 (use_karras_sigmas)
  Exponential,   // sigmas evenly spaced in log sigma (use_exponential_sigmas)
  SgmUniform,    // timesteps evenly spaced ending at the last training step (timestep_spacing trailing):
                 // what SDXL-Lightning, SDXL-Turbo, Hyper-SD and DMD2 were distilled for
  ModelDefault,  // the model folder's scheduler class and config as they are (sampler choice ignored)
};

// The names users pick from, in display order ("Automatic", "Uniform", "Karras", "Exponential",
// "SGM Uniform", "Model default").
const std::vector<std::string>& schedule_names();
const std::string& schedule_name(ScheduleType type);
// The type for `name`: a display name or an alias (case, spaces, '_' and '-' ignored: "karras",
// "sgm_uniform", "trailing", "normal" = Uniform, "auto", "model_default"); "" is Automatic. Throws
// poseforge::Error naming the value and listing the valid names.
ScheduleType parse_schedule(const std::string& name);

// `config` with the schedule's keys set (timestep_spacing, use_karras_sigmas, use_exponential_sigmas);
// Automatic and ModelDefault return it unchanged.
io::SchedulerConfig apply_schedule(ScheduleType type, io::SchedulerConfig config);

}  // namespace poseforge::samplers
