// The request's model choices: checkpoint, vae, loras [{path, weight}] (JSON keys, checks, A1111 text), kept
// apart from request.cpp so the main request code stays as it is.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace poseforge::pipeline {

struct Request;

// A LoRA and its weight. `path`: a file, or a bare name looked up in <models>/loras/ ("detail" or
// "detail.safetensors").
struct LoraRequest {
  std::string path;
  double weight = 1.0;
  bool operator==(const LoraRequest& o) const { return path == o.path && weight == o.weight; }
};

// "checkpoint", "vae", "loras".
bool is_model_request_key(const std::string& key);
// Reads those keys (paths with a folder resolved against base_dir; bare names kept for the models folder).
// loras: a list of paths or {"path", "weight"}. Wrong types are Errors naming the key.
void read_model_request_keys(const nlohmann::json& json, const std::filesystem::path& base_dir, Request& r);
// Writes them where set.
void write_model_request_keys(const Request& r, nlohmann::json& j);
// LoRAs without a path or with a weight that is not a finite number in [-10, 10].
void model_request_problems(const Request& r, std::vector<std::string>& out);
// ", Model: sdxl_tiny, VAE: sdxl_vae, Lora: detail:0.75, style:0.5" (empty when none is set).
std::string model_request_a1111(const Request& r);

}  // namespace poseforge::pipeline
