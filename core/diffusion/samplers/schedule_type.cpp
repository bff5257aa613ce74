// Schedule types: names, aliases, and how each sets a scheduler config's schedule keys.
#include "core/diffusion/samplers/schedule_type.h"

#include <array>
#include <cctype>
#include <map>

#include "core/error.h"

namespace poseforge::samplers {
namespace {

constexpr std::array<ScheduleType, 6> kTypes = {ScheduleType::Automatic,  ScheduleType::Uniform,
                                                ScheduleType::Karras,     ScheduleType::Exponential,
                                                ScheduleType::SgmUniform, ScheduleType::ModelDefault};

// Lower case, letters and digits only.
std::string key_of(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

const std::map<std::string, ScheduleType>& aliases() {
  static const std::map<std::string, ScheduleType> table = {
      {"", ScheduleType::Automatic},         {"auto", ScheduleType::Automatic},
      {"normal", ScheduleType::Uniform},     {"linspace", ScheduleType::Uniform},
      {"sgm", ScheduleType::SgmUniform},     {"trailing", ScheduleType::SgmUniform},
      {"model", ScheduleType::ModelDefault}, {"default", ScheduleType::ModelDefault},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names = {"Automatic",   "Uniform",     "Karras",
                                                 "Exponential", "SGM Uniform", "Model default"};
  return names;
}

const std::string& schedule_name(ScheduleType type) {
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (kTypes[i] == type) return schedule_names()[i];
  }
  throw Error("schedule type {} is out of range", static_cast<int>(type));
}

ScheduleType parse_schedule(const std::string& name) {
  const std::string key = key_of(name);
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (key_of(schedule_names()[i]) == key) return kTypes[i];
  }
  if (auto it = aliases().find(key); it != aliases().end()) return it->second;
  std::string valid;
  for (const auto& n : schedule_names()) valid += (valid.empty() ? "'" : ", '") + n + "'";
  throw Error("unknown schedule '{}' (valid names: {})", name, valid);
}

io::SchedulerConfig apply_schedule(ScheduleType type, io::SchedulerConfig c) {
  const auto set = [&c](const std::string& spacing, bool karras, bool exponential) {
    if (!spacing.empty()) {
      c.timestep_spacing = spacing;
      c.raw["timestep_spacing"] = spacing;
    }
    c.use_karras_sigmas = karras;
    c.raw["use_karras_sigmas"] = karras;
    c.raw["use_exponential_sigmas"] = exponential;
    c.raw["use_beta_sigmas"] = false;
  };
  switch (type) {
    case ScheduleType::Automatic:
    case ScheduleType::ModelDefault: break;
    case ScheduleType::Uniform: set("linspace", false, false); break;
    case ScheduleType::Karras: set("", true, false); break;
    case ScheduleType::Exponential: set("", false, true); break;
    case ScheduleType::SgmUniform: set("trailing", false, false); break;
  }
  return c;
}

}  // namespace poseforge::samplers
