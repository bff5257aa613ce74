// A preset's image-prompt controls.
#include "core/presets/preset_image_prompts.h"

#include "core/error.h"
#include "core/pipeline/image_prompt_json.h"

namespace poseforge::presets {

std::vector<pipeline::ImagePrompt> image_prompt_controls(const std::vector<pipeline::ImagePrompt>& prompts) {
  auto out = prompts;
  for (auto& p : out) {
    p.path.clear();
    p.mask.clear();
  }
  return out;
}

void apply_image_prompt_controls(const std::vector<pipeline::ImagePrompt>& controls,
                                 std::vector<pipeline::ImagePrompt>& prompts) {
  for (std::size_t i = 0; i < controls.size() && i < prompts.size(); ++i) {
    const auto& c = controls[i];
    auto& p = prompts[i];
    p.weight = c.weight;
    p.type = c.type;
    p.composition_weight = c.composition_weight;
    p.start = c.start;
    p.end = c.end;
  }
}

nlohmann::json image_prompt_controls_to_json(const std::vector<pipeline::ImagePrompt>& controls) {
  auto out = nlohmann::json::array();
  for (const auto& c : controls) {
    auto j = pipeline::image_prompt_to_json(c);
    j.erase("path");
    j.erase("mask");
    out.push_back(j);
  }
  return out;
}

std::vector<pipeline::ImagePrompt> image_prompt_controls_from_json(const nlohmann::json& json,
                                                                   const std::string& source) {
  if (!json.is_array()) throw Error("preset '{}': 'image_prompts' must be a list, got {}", source, json.dump());
  std::vector<pipeline::ImagePrompt> out;
  for (std::size_t i = 0; i < json.size(); ++i) {
    try {
      auto p = pipeline::image_prompt_from_json(json[i], [](const std::string& s) { return s; });
      for (const auto& problem : pipeline::image_prompt_problems(p, i)) throw Error("{}", problem);
      out.push_back(image_prompt_controls({p}).front());
    } catch (const Error& e) {
      throw Error("preset '{}': image_prompts entry {}: {}", source, i + 1, e.what());
    }
  }
  return out;
}

}  // namespace poseforge::presets
