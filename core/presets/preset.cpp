// Preset JSON and the compiled-in built-in presets.
#include "core/presets/preset.h"

#include "core/error.h"
#include "core/presets/preset_image_prompts.h"

namespace poseforge::presets {

std::vector<std::string> builtin_preset_texts();  // generated from resources/presets (CMake)

namespace {

pipeline::Request settings_only(pipeline::Request r) {
  r.pose_image.clear();
  r.pose_json.clear();
  r.image_prompts.clear();
  r.ip_negative_image.clear();
  return r;
}

}  // namespace

nlohmann::json Preset::to_json() const {
  auto settings_json = settings_only(settings).to_json();
  nlohmann::json out = {{"name", name}, {"description", description}, {"settings", settings_json}};
  if (!image_prompts.empty()) out["image_prompts"] = image_prompt_controls_to_json(image_prompts);
  return out;
}

Preset Preset::from_json(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) throw Error("preset '{}' must be a JSON object", source);
  Preset p;
  try {
    p.name = json.at("name").get<std::string>();
    p.description = json.value("description", std::string());
  } catch (const nlohmann::json::exception&) {
    throw Error("preset '{}' needs a string 'name'", source);
  }
  if (p.name.empty()) throw Error("preset '{}' has an empty name", source);
  auto it = json.find("settings");
  if (it == json.end() || !it->is_object()) throw Error("preset '{}' needs a 'settings' object", source);
  try {
    p.settings = settings_only(pipeline::Request::from_json(*it));
  } catch (const Error& e) {
    throw Error("preset '{}': {}", source, e.what());
  }
  if (auto ip = json.find("image_prompts"); ip != json.end()) p.image_prompts = image_prompt_controls_from_json(*ip, source);
  return p;
}

void Preset::apply_to(pipeline::Request& request) const {
  pipeline::Request merged = settings;
  merged.pose_image = request.pose_image;
  merged.pose_json = request.pose_json;
  merged.image_prompts = request.image_prompts;
  apply_image_prompt_controls(image_prompts, merged.image_prompts);
  merged.ip_negative_image = request.ip_negative_image;
  request = merged;
}

Preset Preset::from_request(const std::string& name, const pipeline::Request& request) {
  Preset p;
  p.name = name;
  p.settings = settings_only(request);
  p.image_prompts = image_prompt_controls(request.image_prompts);
  return p;
}

std::vector<Preset> builtin_presets() {
  std::vector<Preset> out;
  for (const auto& text : builtin_preset_texts()) {
    Preset p = Preset::from_json(nlohmann::json::parse(text), "built-in");
    p.builtin = true;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace poseforge::presets
