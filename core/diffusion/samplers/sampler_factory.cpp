// make_sampler: the user-facing sampler names, the settings each name implies, and the schedule applied.
#include <functional>
#include <map>

#include "core/diffusion/samplers/ddim.h"
#include "core/diffusion/samplers/dpm_solver.h"
#include "core/diffusion/samplers/euler.h"
#include "core/diffusion/samplers/heun.h"
#include "core/diffusion/samplers/kdpm2.h"
#include "core/diffusion/samplers/lcm.h"
#include "core/diffusion/samplers/lms.h"
#include "core/diffusion/samplers/pndm.h"
#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/scheduler_class.h"
#include "core/diffusion/samplers/unipc.h"
#include "core/error.h"

namespace poseforge::samplers {
namespace {

using Maker = std::function<std::unique_ptr<Sampler>(const std::string&, io::SchedulerConfig, ScheduleType)>;

// What a sampler family can run on besides Automatic and Uniform: sigma schedules (Karras, Exponential)
// and trailing timesteps (SGM Uniform).
struct Supports {
  bool sigmas = true;
  bool trailing = true;
};

struct Entry {
  bool karras;            // the name implies Karras sigmas (its Automatic schedule)
  std::string algorithm;  // DPM-Solver algorithm_type implied by the name ("" = config's)
  Supports supports;
  Maker make;
};

template <typename T, typename... Args>
Maker maker(Args... args) {
  return [=](const std::string& n, io::SchedulerConfig c, ScheduleType) { return std::make_unique<T>(n, c, args...); };
}

const std::vector<std::pair<std::string, Entry>>& table() {
  const Supports all, timesteps_only{false, true}, own_spacing{true, false};  // own_spacing: uniform only
  static const std::vector<std::pair<std::string, Entry>> entries = {
      {"Euler", {false, "", all, maker<EulerSampler>(false)}},
      {"Euler Karras", {true, "", all, maker<EulerSampler>(false)}},
      {"Euler a", {false, "", all, maker<EulerSampler>(true)}},
      {"DPM++ 2M", {false, "dpmsolver++", all, maker<DpmSolverSampler>(false)}},
      {"DPM++ 2M Karras", {true, "dpmsolver++", all, maker<DpmSolverSampler>(false)}},
      {"DPM++ 2M SDE", {false, "sde-dpmsolver++", all, maker<DpmSolverSampler>(false)}},
      {"DPM++ 2M SDE Karras", {true, "sde-dpmsolver++", all, maker<DpmSolverSampler>(false)}},
      {"DPM Single", {false, "", own_spacing, maker<DpmSolverSampler>(true)}},
      {"DDIM", {false, "", timesteps_only, maker<DdimSampler>()}},
      {"Heun", {false, "", all, maker<HeunSampler>()}},
      {"LMS", {false, "", all, maker<LmsSampler>()}},
      {"DPM2", {false, "", all, maker<Kdpm2Sampler>(false)}},
      {"DPM2 Karras", {true, "", all, maker<Kdpm2Sampler>(false)}},
      {"DPM2 a", {false, "", all, maker<Kdpm2Sampler>(true)}},
      {"DPM2 a Karras", {true, "", all, maker<Kdpm2Sampler>(true)}},
      {"PNDM", {false, "", timesteps_only, maker<PndmSampler>()}},
      {"UniPC", {false, "", all, maker<UniPcSampler>()}},
      {"LCM",
       {false, "", all,
        [](const std::string& n, io::SchedulerConfig c, ScheduleType s) {
          return std::make_unique<LcmSampler>(n, c, s);
        }}},
  };
  return entries;
}

}  // namespace

const std::vector<std::string>& sampler_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, entry] : table()) out.push_back(name);
    return out;
  }();
  return names;
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, const io::SchedulerConfig& config) {
  return make_sampler(name, ScheduleType::Automatic, config);
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, ScheduleType schedule,
                                      const io::SchedulerConfig& config) {
  if (schedule == ScheduleType::ModelDefault) {
    const SamplerChoice choice = sampler_for_config(config);
    return make_sampler(choice.sampler, choice.schedule, config);
  }
  for (const auto& [known, entry] : table()) {
    if (known != name) continue;
    io::SchedulerConfig c = config;
    ScheduleType effective = schedule;
    if (schedule == ScheduleType::Automatic && entry.karras) effective = ScheduleType::Karras;
    const bool sigma_schedule = effective == ScheduleType::Karras || effective == ScheduleType::Exponential;
    if ((sigma_schedule && !entry.supports.sigmas) ||
        (effective == ScheduleType::SgmUniform && !entry.supports.trailing)) {
      throw Error("schedule '{}' is not supported by sampler '{}' (it runs on {})", schedule_name(effective), name,
                  entry.supports.sigmas ? "its own uniform timesteps: use Automatic, Uniform, Karras or Exponential"
                                        : "timesteps only: use Automatic, Uniform or SGM Uniform");
    }
    if (!entry.supports.sigmas) {
      // As in diffusers, a timestep-only sampler ignores a config's sigma options.
      c.use_karras_sigmas = false;
      c.raw["use_karras_sigmas"] = false;
      c.raw["use_exponential_sigmas"] = false;
    }
    c = apply_schedule(effective, std::move(c));
    // "PNDM" is PLMS (diffusers' PNDM with skip_prk_steps, as SDXL's config sets): the Runge-Kutta
    // warm-up is not implemented.
    if (name == "PNDM") c.raw["skip_prk_steps"] = true;
    if (!entry.algorithm.empty()) {
      c.raw["algorithm_type"] = entry.algorithm;
      c.raw["solver_order"] = 2;
    }
    return entry.make(name, std::move(c), effective);
  }
  std::string valid;
  for (const auto& n : sampler_names()) valid += (valid.empty() ? "'" : ", '") + n + "'";
  throw Error("unknown sampler '{}' (valid names: {})", name, valid);
}

}  // namespace poseforge::samplers
