// A diffusers scheduler class and its config -> our sampler and schedule: how "Model default" runs a
// model folder's own scheduler_config.json (SDXL-Turbo's Euler Ancestral + trailing, LCM, DPM++ ...).
#pragma once

#include <string>

#include "core/diffusion/samplers/schedule_type.h"
#include "core/io/scheduler_config.h"

namespace poseforge::samplers {

struct SamplerChoice {
  std::string sampler;  // a name of sampler_names()
  ScheduleType schedule = ScheduleType::Automatic;
};

// The sampler for config.class_name ("_class_name": EulerDiscreteScheduler, EulerAncestralDiscreteScheduler,
// DPMSolverMultistepScheduler (dpmsolver++ / sde-dpmsolver++, order 2), DPMSolverSinglestepScheduler,
// DDIMScheduler, HeunDiscreteScheduler, LMSDiscreteScheduler, KDPM2DiscreteScheduler,
// KDPM2AncestralDiscreteScheduler, PNDMScheduler, UniPCMultistepScheduler, LCMScheduler) and the schedule
// its config asks for (Karras / Exponential when use_karras_sigmas / use_exponential_sigmas, otherwise
// Automatic: the config's own timestep_spacing). make_sampler(choice.sampler, choice.schedule, config)
// then runs what diffusers' class would. Throws poseforge::Error naming the class (or the key) when there
// is no such sampler here, listing the classes that have one.
SamplerChoice sampler_for_config(const io::SchedulerConfig& config);

}  // namespace poseforge::samplers
