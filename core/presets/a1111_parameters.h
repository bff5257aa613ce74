// A1111 / Forge "parameters" PNG text: prompt, "Negative prompt: ...", then "Steps: 30, Sampler: ...".
#pragma once

#include <string>

#include "core/presets/foreign_parameters.h"

namespace poseforge::presets {

// Parses the text as A1111's parse_generation_parameters does: the last line is the settings line when it
// holds at least three "Key: value" pairs (values in double quotes may hold commas and are JSON-unescaped);
// the lines before are the prompt, up to a line starting "Negative prompt:", then the negative prompt.
// Reads Steps, Sampler, Schedule type, CFG scale, Seed, Size, Model, Lora hashes and "ControlNet N" units
// (openpose modules -> controlnet weight/guidance start/end; ip-adapter -> ip_adapter_weight);
// <lora:name:weight> tags are taken out of the prompt into `loras`. Everything else goes to `unmapped`.
// Throws Error naming the key and value for a malformed number or size.
ForeignParameters parse_a1111_parameters(const std::string& text);

}  // namespace poseforge::presets
