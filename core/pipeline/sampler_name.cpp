// Sampler name normalisation and aliases.
#include "core/pipeline/sampler_name.h"

#include <cctype>
#include <map>

#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/schedule_type.h"
#include "core/error.h"

namespace poseforge::pipeline {
namespace {

// Lower case, "+" read as "p" (DPM++ = dpmpp), everything but letters and digits dropped.
std::string normalise(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '+') {
      out += 'p';
    } else if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    }
  }
  return out;
}

// Normalised alias -> canonical name. Only exact equivalents: a scheduler class maps to the name whose
// settings it has by default (Karras sigmas off).
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> table = {
      {"keuler", "Euler"},
      {"eulerdiscrete", "Euler"},
      {"eulerdiscretescheduler", "Euler"},
      {"keulerkarras", "Euler Karras"},
      {"keulera", "Euler a"},
      {"eulerancestral", "Euler a"},
      {"keulerancestral", "Euler a"},
      {"eulerancestraldiscrete", "Euler a"},
      {"eulerancestraldiscretescheduler", "Euler a"},
      {"dpmmulti", "DPM++ 2M"},
      {"kdpmpp2m", "DPM++ 2M"},
      {"dpmsolvermultistep", "DPM++ 2M"},
      {"dpmsolvermultistepscheduler", "DPM++ 2M"},
      {"kdpmpp2mkarras", "DPM++ 2M Karras"},
      {"kdpmpp2msdekarras", "DPM++ 2M SDE Karras"},
      {"dpmsolversinglestep", "DPM Single"},
      {"dpmsolversinglestepscheduler", "DPM Single"},
      {"ddimscheduler", "DDIM"},
      {"kheun", "Heun"},
      {"heundiscrete", "Heun"},
      {"heundiscretescheduler", "Heun"},
      {"klms", "LMS"},
      {"lmsdiscrete", "LMS"},
      {"lmsdiscretescheduler", "LMS"},
      {"kdpm2karras", "DPM2 Karras"},
      {"kdpm2akarras", "DPM2 a Karras"},
      {"kdpm2ancestralkarras", "DPM2 a Karras"},
      {"plms", "PNDM"},
      {"pndmscheduler", "PNDM"},
      {"unipcmultistep", "UniPC"},
      {"unipcmultistepscheduler", "UniPC"},
      {"kdpm2", "DPM2"},
      {"kdpm2discrete", "DPM2"},
      {"kdpm2discretescheduler", "DPM2"},
      {"kdpm2a", "DPM2 a"},
      {"kdpm2ancestral", "DPM2 a"},
      {"kdpm2ancestraldiscrete", "DPM2 a"},
      {"kdpm2ancestraldiscretescheduler", "DPM2 a"},
      {"kdpmpp2msde", "DPM++ 2M SDE"},
      {"klcm", "LCM"},
      {"lcmscheduler", "LCM"},
  };
  return table;
}

}  // namespace

std::string canonical_sampler_name(const std::string& name) {
  const std::string key = normalise(name);
  for (const auto& known : samplers::sampler_names()) {
    if (normalise(known) == key) return known;
  }
  if (auto it = aliases().find(key); it != aliases().end()) return it->second;
  std::string valid;
  for (const auto& n : samplers::sampler_names()) valid += (valid.empty() ? "'" : ", '") + n + "'";
  throw Error("unknown scheduler '{}' (valid names: {})", name, valid);
}

std::string canonical_schedule_name(const std::string& name) {
  return samplers::schedule_name(samplers::parse_schedule(name));
}

std::vector<std::string> sampler_problems(const std::string& sampler, const std::string& schedule) {
  std::vector<std::string> out;
  const auto check = [&out](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      out.push_back(e.what());
    }
  };
  if (!sampler.empty()) check([&] { canonical_sampler_name(sampler); });
  check([&] { canonical_schedule_name(schedule); });
  return out;
}

}  // namespace poseforge::pipeline
