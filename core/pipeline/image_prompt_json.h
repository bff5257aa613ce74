// A Request's image prompt entries (`ip_image`): JSON reading/writing, validation, A1111 text.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pipeline/request.h"

namespace poseforge::pipeline {

// One `ip_image` entry: a path, or {path (alias image), weight, type (alias weight_type),
// composition_weight, start (alias start_at), end (alias end_at), mask}. `resolve` makes the path and
// the mask absolute. Unknown keys and wrong types are Errors naming the key and the entry.
ImagePrompt image_prompt_from_json(const nlohmann::json& item,
                                   const std::function<std::string(const std::string&)>& resolve);
// {path, weight, type, start, end} plus composition_weight and mask when set.
nlohmann::json image_prompt_to_json(const ImagePrompt& prompt);
// Problems of entry `index` (0-based): weight, composition weight, start/end range.
std::vector<std::string> image_prompt_problems(const ImagePrompt& prompt, std::size_t index);
// ", IP-Adapter 1: style 0.8 (0.2-1), masked, ..." for the prompts that differ from a plain Standard
// prompt acting on every step, plus ", IP negative image" when one is given; empty otherwise.
std::string image_prompts_a1111(const std::vector<ImagePrompt>& prompts, const std::string& negative_image);

}  // namespace poseforge::pipeline
