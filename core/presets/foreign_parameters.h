// Generation settings read from another tool's PNG (A1111/Forge "parameters", ComfyUI "prompt"/"workflow"),
// parsed as that tool states them and not yet mapped onto a Request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace poseforge::presets {

struct LoraRef {
  std::string name;     // as the tool names it (A1111 tag name, ComfyUI file name)
  double weight = 1.0;  // A1111 <lora:name:weight>; ComfyUI strength_model
  std::string hash;     // A1111 "Lora hashes", when given
};

struct ForeignParameters {
  std::string tool;                   // "A1111/Forge" or "ComfyUI"
  std::optional<std::string> prompt;  // LoRA tags removed (they are in `loras`)
  std::optional<std::string> negative_prompt;
  std::optional<std::string> sampler;   // A1111 spelling: "DPM++ 2M", "Euler a", "DPM++ 2M Karras" (old names)
  std::optional<std::string> schedule;  // "Karras", "Exponential", ... (A1111 "Schedule type", ComfyUI scheduler)
  std::optional<int> steps;
  std::optional<double> cfg_scale;
  std::optional<std::int64_t> seed;
  std::optional<int> width, height;
  std::optional<std::string> model;  // checkpoint name
  std::vector<LoraRef> loras;
  std::optional<double> controlnet_weight;  // the OpenPose ControlNet unit's weight / strength
  std::optional<double> control_start, control_end;
  std::optional<double> ip_adapter_weight;
  // What the file holds that has no field above: (key, value) as the tool wrote them.
  std::vector<std::pair<std::string, std::string>> unmapped;
};

}  // namespace poseforge::presets
