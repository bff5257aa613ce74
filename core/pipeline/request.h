// Request: everything one generation needs, readable from JSON with Segmind's parameter names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diffusion/ip_weight_type.h"
#include "core/pipeline/request_models.h"

namespace poseforge::pipeline {

struct ImagePrompt {
  std::string path;     // image file (or "data:...;base64," / raw base64 when decoded by the caller)
  double weight = 1.0;  // strength (x ip_adapter_scale) where its type acts; agreeing prompts are averaged by it
  // The rest: the ip_image entry's keys type, composition_weight, start, end, mask (core/pipeline/image_prompt_json).
  diffusion::IpWeightType type = diffusion::IpWeightType::Standard;  // which attention blocks it reaches
  std::optional<double> composition_weight;  // style_and_composition: the composition block's (default: weight)
  double start = 0.0;  // fraction of the steps where it starts acting
  double end = 1.0;    // fraction where it stops
  std::string mask;    // black/white image (white: where it acts) at any size; empty: the whole picture

  double effective_composition_weight() const { return composition_weight.value_or(weight); }
};

// Defaults are what the app starts with; the JSON keys (Segmind's IP-Adapter-OpenPose API plus ours)
// are given beside each field.
struct Request {
  std::string pose_image;                // input_image (alias: image)
  std::string pose_json;                 // pose_json: an OpenPose JSON instead of a photo
  std::vector<ImagePrompt> image_prompts;  // ip_image: a path, or a list of paths / {path, weight}
  std::string prompt;                    // prompt
  std::string negative_prompt;           // negative_prompt
  int samples = 1;                       // samples (1-4)
  std::string scheduler = "DPM++ 2M Karras";  // scheduler
  int steps = 30;                        // num_inference_steps (1-1000)
  double guidance_scale = 6.0;           // guidance_scale (>= 1; 1 turns classifier-free guidance off)
  std::int64_t seed = -1;                // seed (-1: random, resolved before running)
  double ip_adapter_scale = 0.6;         // ip_adapter_scale (0-2)
  double controlnet_scale = 0.8;         // controlnet_scale (0-2)
  double control_start = 0.0;            // control_start: fraction of steps where ControlNet starts
  double control_end = 1.0;              // control_end: fraction where it stops
  int width = 1024;                      // width (multiple of 8)
  int height = 1024;                     // height (multiple of 8)
  bool base64 = false;                   // base64: answer with base64 images (CLI JSON output)
  std::string checkpoint;                // checkpoint: a single-file checkpoint (path, or a name in <models>/checkpoints)
  std::string vae;                       // vae: a VAE file replacing the checkpoint's own
  std::vector<LoraRequest> loras;        // loras: [{path, weight}] merged into the weights (also <lora:name:w> in the prompt)
  std::string schedule = "Automatic";    // schedule: Automatic, Uniform, Karras, Exponential, SGM Uniform, Model default
  std::string ip_negative_image;         // ip_negative_image: its embedding on the unconditional side (empty: zeros)
  int pose_frame = 0;                    // pose_frame: the frame of a ComfyUI POSE_KEYPOINT pose_json (0-based)
  bool pose_body = true;                 // pose_body: draw the pose's body into the control image
  bool pose_hands = true;                // pose_hands: its hands
  bool pose_face = true;                 // pose_face: draw its face

  // Every problem of the request in one message per problem; empty when valid. Checks ranges,
  // multiples of 8, that a pose (image or JSON) is given, that weights are positive, that the prompts
  // are valid UTF-8 with prompt weights within limits (request_text_checks.h).
  std::vector<std::string> problems() const;
  // Throws poseforge::Error listing problems() when there are any.
  void validate() const;

  // JSON with our canonical keys (the Segmind names); `from_json` also accepts the aliases and
  // resolves relative paths against `base_dir`. Unknown keys and wrong types are Errors naming them.
  nlohmann::json to_json() const;
  static Request from_json(const nlohmann::json& json, const std::filesystem::path& base_dir = {});
  static Request load(const std::filesystem::path& path);

  // A1111-style "parameters" text: prompt, "Negative prompt: ...", then "Steps: 30, Sampler: ...".
  std::string a1111_parameters() const;
};

// Largest values accepted.
constexpr int kMaxSamples = 4;
constexpr int kMaxSteps = 1000;
constexpr int kMaxSide = 4096;

}  // namespace poseforge::pipeline
