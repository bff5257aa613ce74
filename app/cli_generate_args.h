// `poseforge-cli generate` arguments: flags named after the request keys, an optional request file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/pipeline.h"
#include "core/pipeline/request.h"

namespace poseforge::cli {

struct GenerateArgs {
  pipeline::Request request;     // --request FILE.json first, then the flags on top
  std::filesystem::path models;  // --models DIR (default: $POSEFORGE_MODELS or the user data folder)
  std::filesystem::path out = "poseforge.png";
  pipeline::EngineOptions engine;  // --device, --dtype
  std::optional<bool> check_pose;  // --check-pose / --no-check-pose; unset: when the body model exists
  bool progress = true;            // --quiet turns the progress bar off
  std::vector<std::string> notes;  // for stderr: what --request-from-png restored and what not
};

// Reads the arguments after "generate". Throws UsageError for unknown flags, bad values and
// unreadable request files (nothing is validated against ranges here: Request::problems does that).
GenerateArgs parse_generate_args(const std::vector<std::string>& args);

// "PATH[:WEIGHT]" -> image prompt (the weight only when the text after the last ':' is a number).
pipeline::ImagePrompt parse_image_prompt_flag(const std::string& text);

// The request's problems plus the scheduler name (canonical names and their aliases), before any model loads.
std::vector<std::string> request_problems(const pipeline::Request& request);

// FILE.png for one sample, FILE-1.png, FILE-2.png, ... for several.
std::filesystem::path sample_path(const std::filesystem::path& out, int sample, int samples);

}  // namespace poseforge::cli
