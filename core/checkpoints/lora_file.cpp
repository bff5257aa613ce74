// LoRA file parsing: key suffixes decide the layout, layers grouped by name, alpha from tensors or metadata.
#include "core/checkpoints/lora_file.h"

#include <map>
#include <optional>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// PEFT adapter metadata: {"unet.lora_alpha": 8, "unet.r": 4, ...} or a single adapter's {"lora_alpha": 8}.
nlohmann::json adapter_metadata(const std::filesystem::path& path) {
  if (!io::looks_like_safetensors(path)) return nlohmann::json::object();
  const io::SafetensorsFile file(path);
  const auto& meta = file.metadata();
  auto it = meta.find("lora_adapter_metadata");
  if (it == meta.end()) return nlohmann::json::object();
  try {
    auto json = nlohmann::json::parse(it->second);
    return json.is_object() ? json : nlohmann::json::object();
  } catch (const nlohmann::json::exception& e) {
    throw Error("LoRA '{}': metadata lora_adapter_metadata is not valid JSON: {}", path.string(), e.what());
  }
}

// PEFT's alpha for one layer ("unet.down_blocks.1....to_q"): the adapter's alpha_pattern entry whose
// pattern matches the module's name as PEFT matches it ((.*\.)?(pattern)$), else its lora_alpha; the
// component's own keys ("unet.alpha_pattern", "unet.lora_alpha") before a single adapter's.
std::optional<double> peft_alpha(const nlohmann::json& meta, const std::string& layer,
                                 const std::filesystem::path& path) {
  const auto dot = layer.find('.');
  const std::string component = layer.substr(0, dot);
  const std::string module = dot == std::string::npos ? layer : layer.substr(dot + 1);
  for (const std::string& prefix : {component + ".", std::string()}) {
    if (const auto it = meta.find(prefix + "alpha_pattern"); it != meta.end() && it->is_object()) {
      for (const auto& [pattern, value] : it->items()) {
        if (!value.is_number()) continue;
        try {
          if (std::regex_match(module, std::regex("(.*\\.)?(" + pattern + ")"))) return value.get<double>();
        } catch (const std::regex_error& e) {
          throw Error("LoRA '{}': {}alpha_pattern key '{}' is not a valid pattern: {}", path.string(), prefix, pattern,
                      e.what());
        }
      }
    }
    if (const auto it = meta.find(prefix + "lora_alpha"); it != meta.end() && it->is_number()) return it->get<double>();
  }
  return std::nullopt;
}

struct Parts {
  torch::Tensor down, up, alpha;
};

}  // namespace

LoraFile LoraFile::load(const std::filesystem::path& path) {
  LoraFile out;
  out.path = path;
  const io::TensorMap tensors = io::load_tensors(path);
  std::map<std::string, Parts> groups;
  std::vector<std::string> unknown;
  bool kohya = false, peft = false;
  struct Suffix {
    std::string text;
    int part;  // 0 down, 1 up, 2 alpha
    bool peft;
  };
  const Suffix suffixes[] = {{".lora_down.weight", 0, false},
                             {".lora_up.weight", 1, false},
                             {".alpha", 2, false},
                             {".lora_A.weight", 0, true},
                             {".lora_B.weight", 1, true}};
  for (const auto& [key, tensor] : tensors) {
    bool matched = false;
    for (const auto& s : suffixes) {
      if (!ends_with(key, s.text)) continue;
      Parts& g = groups[key.substr(0, key.size() - s.text.size())];
      (s.part == 0 ? g.down : s.part == 1 ? g.up : g.alpha) = tensor;
      (s.peft ? peft : kohya) = true;
      matched = true;
      break;
    }
    if (!matched) unknown.push_back(key);
  }
  if (!unknown.empty()) {
    const std::string& k = unknown.front();
    const char* kind = k.find("hada_") != std::string::npos        ? " (LoHa layers are not supported)"
                       : k.find("lokr_") != std::string::npos      ? " (LoKr layers are not supported)"
                       : k.find("dora_scale") != std::string::npos ? " (DoRA layers are not supported)"
                                                                   : "";
    throw Error(
        "LoRA '{}': {} key(s) are not LoRA weights (expected <layer>.lora_down/.lora_up.weight and .alpha, or "
        "<layer>.lora_A/.lora_B.weight): {}{}{}",
        path.string(), unknown.size(), k, unknown.size() > 1 ? fmt::format(", ... ({} more)", unknown.size() - 1) : "",
        kind);
  }
  if (groups.empty()) throw Error("LoRA '{}' holds no LoRA layers", path.string());
  out.layout = peft && !kohya ? "peft" : "kohya";
  const nlohmann::json meta = peft ? adapter_metadata(path) : nlohmann::json::object();
  for (auto& [name, g] : groups) {
    if (!g.down.defined() || !g.up.defined()) {
      throw Error("LoRA '{}': layer '{}' has no {} weight", path.string(), name,
                  g.down.defined() ? "up (lora_up/lora_B)" : "down (lora_down/lora_A)");
    }
    LoraLayer layer{name, g.down, g.up, static_cast<double>(g.down.size(0))};
    if (g.alpha.defined()) {
      layer.alpha = g.alpha.to(torch::kFloat64).item<double>();
    } else if (peft) {
      if (const auto alpha = peft_alpha(meta, name, path)) layer.alpha = *alpha;
    }
    out.layers.push_back(std::move(layer));
  }
  return out;
}

}  // namespace poseforge::checkpoints
