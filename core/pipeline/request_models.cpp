// Request model choices: JSON, checks, A1111 text.
#include "core/pipeline/request_models.h"

#include <cmath>

#include <fmt/format.h>

#include "core/error.h"
#include "core/pipeline/request.h"

namespace poseforge::pipeline {
namespace {

// A path with a folder part is resolved against base_dir; a bare name stays a name.
std::string resolve_model_path(const std::string& value, const std::filesystem::path& base_dir) {
  const std::filesystem::path p(value);
  if (value.empty() || base_dir.empty() || p.is_absolute() || !p.has_parent_path()) return value;
  return (base_dir / p).lexically_normal().string();
}

std::string string_key(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return {};
  if (!it->is_string()) throw Error("request key '{}' must be a file path or name, got {}", key, it->dump());
  return it->get<std::string>();
}

}  // namespace

bool is_model_request_key(const std::string& key) {
  return key == "checkpoint" || key == "vae" || key == "loras";
}

void read_model_request_keys(const nlohmann::json& json, const std::filesystem::path& base_dir, Request& r) {
  r.checkpoint = resolve_model_path(string_key(json, "checkpoint"), base_dir);
  r.vae = resolve_model_path(string_key(json, "vae"), base_dir);
  auto it = json.find("loras");
  if (it == json.end() || it->is_null()) return;
  if (!it->is_array())
    throw Error("request key 'loras' must be a list of paths or {{\"path\", \"weight\"}}, got {}", it->dump());
  for (const auto& item : *it) {
    LoraRequest lora;
    if (item.is_string()) {
      lora.path = item.get<std::string>();
    } else if (item.is_object() && item.contains("path") && item.at("path").is_string() &&
               (!item.contains("weight") || item.at("weight").is_number())) {
      lora.path = item.at("path").get<std::string>();
      lora.weight = item.value("weight", 1.0);
    } else {
      throw Error("request key 'loras' entries must be paths or {{\"path\": ..., \"weight\": number}}, got {}",
                  item.dump());
    }
    lora.path = resolve_model_path(lora.path, base_dir);
    r.loras.push_back(lora);
  }
}

void write_model_request_keys(const Request& r, nlohmann::json& j) {
  if (!r.checkpoint.empty()) j["checkpoint"] = r.checkpoint;
  if (!r.vae.empty()) j["vae"] = r.vae;
  if (!r.loras.empty()) {
    auto list = nlohmann::json::array();
    for (const auto& l : r.loras) list.push_back({{"path", l.path}, {"weight", l.weight}});
    j["loras"] = list;
  }
}

void model_request_problems(const Request& r, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < r.loras.size(); ++i) {
    if (r.loras[i].path.empty()) out.push_back(fmt::format("LoRA {} has no path", i + 1));
    if (!std::isfinite(r.loras[i].weight) || std::abs(r.loras[i].weight) > 10.0) {
      out.push_back(
          fmt::format("LoRA {} ('{}') has weight {}, expected -10 to 10", i + 1, r.loras[i].path, r.loras[i].weight));
    }
  }
}

std::string model_request_a1111(const Request& r) {
  auto stem = [](const std::string& p) { return std::filesystem::path(p).stem().string(); };
  std::string out;
  if (!r.checkpoint.empty()) out += ", Model: " + stem(r.checkpoint);
  if (!r.vae.empty()) out += ", VAE: " + stem(r.vae);
  if (!r.loras.empty()) {
    out += ", Lora: ";
    for (std::size_t i = 0; i < r.loras.size(); ++i) {
      out += fmt::format("{}{}:{}", i ? " " : "", stem(r.loras[i].path), r.loras[i].weight);
    }
  }
  return out;
}

}  // namespace poseforge::pipeline
