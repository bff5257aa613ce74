// Model files chosen by name: checkpoints/, loras/ and vae/ of a models folder listed, names resolved, the
// request's checkpoint / vae / LoRAs (and A1111 <lora:name:w> prompt tags) turned into files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/checkpoints/lora_merger.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/request.h"

namespace poseforge::pipeline {

// The .safetensors / .ckpt / .pt / .pth / .bin files under `folder` (sub-folders too), sorted; empty when the
// folder does not exist.
std::vector<std::filesystem::path> list_model_files(const std::filesystem::path& folder);

// `name`: an existing file as given, else <folder>/<name>, then <folder>/<name>.safetensors / .ckpt. Error naming
// `what`, the name, the folder and the files that are there.
std::filesystem::path resolve_model_file(const std::string& name, const std::filesystem::path& folder,
                                         const std::string& what);

// `paths` with the request's checkpoint (in checkpoints_dir) and vae (in vae_dir, else checkpoints_dir) applied.
ModelPaths with_request_models(ModelPaths paths, const Request& request);

// "<lora:name:0.8>" / "<lora:name>" (weight 1) tags taken out of a prompt.
struct PromptLoras {
  std::string prompt;  // without the tags
  std::vector<LoraRequest> loras;
};
PromptLoras extract_lora_tags(const std::string& prompt);

// request.loras then the prompt's tags, each resolved in paths.loras_dir.
std::vector<checkpoints::LoraChoice> resolve_loras(const Request& request, const ModelPaths& paths);

}  // namespace poseforge::pipeline
