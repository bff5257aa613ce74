// Preset: a named set of every user-visible generation setting, stored as JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/pipeline/request.h"

namespace poseforge::presets {

struct Preset {
  std::string name;
  std::string description;
  bool builtin = false;  // shipped with the app (resources/presets), read-only
  // The settings: every field of a Request except its inputs (pose image/JSON, image prompts),
  // which belong to the picture being made, not to the preset.
  pipeline::Request settings;
  // Per image prompt position: weight, type, composition weight, start/end (paths and masks dropped);
  // JSON key "image_prompts". Applied to the prompts a request has at those positions.
  std::vector<pipeline::ImagePrompt> image_prompts;

  // {"name", "description", "settings": {Segmind-named request keys}[, "image_prompts": [...]]}.
  nlohmann::json to_json() const;
  // Errors name `source` (a file name) and the bad key.
  static Preset from_json(const nlohmann::json& json, const std::string& source);

  // Copies this preset's settings into `request`, keeping the request's inputs.
  void apply_to(pipeline::Request& request) const;
  // A preset holding `request`'s settings (inputs dropped).
  static Preset from_request(const std::string& name, const pipeline::Request& request);
};

// The presets shipped in resources/presets/*.json (compiled in), parsed, marked builtin.
std::vector<Preset> builtin_presets();

}  // namespace poseforge::presets
