// Restoring a Request from a PNG's text chunks: ours ("poseforge"), A1111/Forge ("parameters"), ComfyUI
// ("prompt"/"workflow"), with a list of what was restored and what was not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/request.h"
#include "core/presets/foreign_parameters.h"

namespace poseforge::presets {

struct RestoreReport {
  std::string tool;                       // "PoseForge", "A1111/Forge", "ComfyUI"
  std::vector<std::string> restored;      // "prompt", "steps 30", "sampler DPM++ 2M Karras", ...
  std::vector<std::string> not_restored;  // "Model: sd_xl_base (no checkpoint choice here)", ...
  // "Restored from ComfyUI: prompt, steps 20, ...; not restored: Model: x (...), ..."
  std::string message() const;
};

// Sets the request fields the parameters map onto (prompt, negative, sampler + schedule as one of our
// sampler names, steps, CFG -> guidance, seed, size, ControlNet weight/start/end, IP-Adapter weight)
// and lists the rest (checkpoint, LoRAs, schedules and samplers we lack, unmapped keys) as not restored.
RestoreReport apply_foreign_parameters(const ForeignParameters& parameters, pipeline::Request& request);

struct PngRestore {
  pipeline::Request request;
  RestoreReport report;
};

// The PNG's settings on top of `base`: a "poseforge" chunk replaces the whole request; else "parameters"
// (A1111/Forge); else "prompt"/"workflow" (ComfyUI). nullopt when the PNG has none of them. Throws Error
// naming the file and chunk when a chunk is not what its tool writes (invalid JSON, no sampler, bad numbers).
std::optional<PngRestore> restore_from_png(const std::filesystem::path& path, const pipeline::Request& base = {});

}  // namespace poseforge::presets
