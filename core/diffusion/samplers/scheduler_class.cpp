// diffusers scheduler classes mapped onto our samplers and schedules.
#include "core/diffusion/samplers/scheduler_class.h"

#include <map>

#include "core/diffusion/samplers/schedule.h"
#include "core/error.h"

namespace poseforge::samplers {
namespace {

// Classes whose sampler does not depend on the config.
const std::map<std::string, std::string>& fixed_classes() {
  static const std::map<std::string, std::string> table = {
      {"EulerDiscreteScheduler", "Euler"},
      {"EulerAncestralDiscreteScheduler", "Euler a"},
      {"DPMSolverSinglestepScheduler", "DPM Single"},
      {"DDIMScheduler", "DDIM"},
      {"HeunDiscreteScheduler", "Heun"},
      {"LMSDiscreteScheduler", "LMS"},
      {"KDPM2DiscreteScheduler", "DPM2"},
      {"KDPM2AncestralDiscreteScheduler", "DPM2 a"},
      {"PNDMScheduler", "PNDM"},
      {"UniPCMultistepScheduler", "UniPC"},
      {"LCMScheduler", "LCM"},
  };
  return table;
}

std::string multistep_sampler(const io::SchedulerConfig& c) {
  const auto algorithm = raw_or<std::string>(c, "algorithm_type", "dpmsolver++");
  const auto order = raw_or<int>(c, "solver_order", 2);
  if (order != 2) {
    throw Error(
        "scheduler config: DPMSolverMultistepScheduler with solver_order {} has no sampler here (solver_order "
        "2 is DPM++ 2M)",
        order);
  }
  if (algorithm == "dpmsolver++") return "DPM++ 2M";
  if (algorithm == "sde-dpmsolver++") return "DPM++ 2M SDE";
  throw Error(
      "scheduler config: DPMSolverMultistepScheduler with algorithm_type '{}' has no sampler here "
      "(dpmsolver++, sde-dpmsolver++)",
      algorithm);
}

}  // namespace

SamplerChoice sampler_for_config(const io::SchedulerConfig& c) {
  SamplerChoice choice;
  if (c.class_name == "DPMSolverMultistepScheduler") {
    choice.sampler = multistep_sampler(c);
  } else if (auto it = fixed_classes().find(c.class_name); it != fixed_classes().end()) {
    choice.sampler = it->second;
  } else {
    std::string known = "DPMSolverMultistepScheduler";
    for (const auto& [name, sampler] : fixed_classes()) known += ", " + name;
    throw Error("scheduler config: _class_name '{}' has no sampler here (known: {})",
                c.class_name.empty() ? "(none)" : c.class_name, known);
  }
  switch (sigma_family(c)) {
    case SigmaFamily::Karras: choice.schedule = ScheduleType::Karras; break;
    case SigmaFamily::Exponential: choice.schedule = ScheduleType::Exponential; break;
    case SigmaFamily::Spaced: break;
  }
  return choice;
}

}  // namespace poseforge::samplers
