// The image-prompt controls a preset keeps: per position, weight, type, composition weight and
// start/end (not the picture or its mask, which belong to the picture being made).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pipeline/request.h"

namespace poseforge::presets {

// The request's image prompts with path and mask dropped.
std::vector<pipeline::ImagePrompt> image_prompt_controls(const std::vector<pipeline::ImagePrompt>& prompts);
// Copies control i onto prompt i (weight, type, composition weight, start, end) for the positions both have.
void apply_image_prompt_controls(const std::vector<pipeline::ImagePrompt>& controls,
                                 std::vector<pipeline::ImagePrompt>& prompts);
// [{weight, type, start, end[, composition_weight]}]; reading accepts the ip_image entry keys (no
// path needed). Errors name `source` and the entry.
nlohmann::json image_prompt_controls_to_json(const std::vector<pipeline::ImagePrompt>& controls);
std::vector<pipeline::ImagePrompt> image_prompt_controls_from_json(const nlohmann::json& json,
                                                                   const std::string& source);

}  // namespace poseforge::presets
