// ComfyUI PNG text: the "prompt" chunk (API graph that ran) and the "workflow" chunk (the editor's graph).
#pragma once

#include <nlohmann/json.hpp>

#include "core/presets/foreign_parameters.h"

namespace poseforge::presets {

// Reads the settings of the graph's sampler: the KSampler (or KSamplerAdvanced) node's seed, steps, cfg,
// sampler_name and scheduler; the prompts of the CLIPTextEncode nodes its positive and negative inputs lead
// to (through ControlNetApply / ControlNetApplyAdvanced nodes, whose strength, start_percent and
// end_percent are the ControlNet's); the size of its EmptyLatentImage; the checkpoint's name; LoraLoader
// nodes; an IPAdapter node's weight. `prompt` is the API graph ({"id": {"class_type", "inputs"}}); when it
// is null the `workflow` graph ({"nodes": [{"id", "type", "widgets_values", "inputs"}], "links"}) is read
// instead. Inputs fed by other nodes (a seed from a primitive) go to `unmapped`. Throws Error when neither
// graph has a sampler node, naming what was looked for.
ForeignParameters parse_comfyui(const nlohmann::json& prompt, const nlohmann::json& workflow);

// The workflow graph turned into the API graph's shape, for the node types parse_comfyui reads (their
// widgets_values in ComfyUI's order); other nodes keep only their links.
nlohmann::json comfyui_prompt_from_workflow(const nlohmann::json& workflow);

}  // namespace poseforge::presets
