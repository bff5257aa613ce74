// Image prompt entries of a Request: JSON, validation and the A1111 parameter text.
#include "core/pipeline/image_prompt_json.h"

#include <set>

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::pipeline {
namespace {

template <typename T>
T entry_value(const nlohmann::json& item, std::initializer_list<const char*> keys, const T& fallback) {
  for (const char* key : keys) {
    const auto it = item.find(key);
    if (it == item.end() || it->is_null()) continue;
    try {
      return it->get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error("request key 'ip_image' entry key '{}' has the wrong type: got {}", key, it->dump());
    }
  }
  return fallback;
}

bool is_plain(const ImagePrompt& p) {
  return p.type == diffusion::IpWeightType::Standard && p.start == 0.0 && p.end == 1.0 && p.mask.empty();
}

}  // namespace

ImagePrompt image_prompt_from_json(const nlohmann::json& item,
                                   const std::function<std::string(const std::string&)>& resolve) {
  static const std::set<std::string> keys = {
      "path",  "image",    "weight", "type",   "weight_type", "composition_weight",
      "start", "start_at", "end",    "end_at", "mask"};
  ImagePrompt ip;
  if (item.is_string()) {
    ip.path = resolve(item.get<std::string>());
    return ip;
  }
  if (!item.is_object()) {
    throw Error(
        "request key 'ip_image' entries must be paths or {{\"path\", \"weight\", \"type\", \"start\", "
        "\"end\", \"mask\"}}, got {}",
        item.dump());
  }
  for (const auto& [key, _] : item.items()) {
    if (!keys.count(key)) throw Error("request key 'ip_image': unknown entry key '{}' in {}", key, item.dump());
  }
  ip.path = resolve(entry_value<std::string>(item, {"path", "image"}, ""));
  ip.weight = entry_value<double>(item, {"weight"}, 1.0);
  const auto type = entry_value<std::string>(item, {"type", "weight_type"}, "");
  if (!type.empty()) {
    try {
      ip.type = diffusion::parse_ip_weight_type(type);
    } catch (const Error& e) {
      throw Error("request key 'ip_image': {}", e.what());
    }
  }
  if (item.contains("composition_weight") && !item.at("composition_weight").is_null()) {
    ip.composition_weight = entry_value<double>(item, {"composition_weight"}, 1.0);
  }
  ip.start = entry_value<double>(item, {"start", "start_at"}, 0.0);
  ip.end = entry_value<double>(item, {"end", "end_at"}, 1.0);
  const auto mask = entry_value<std::string>(item, {"mask"}, "");
  ip.mask = mask.empty() ? mask : resolve(mask);
  return ip;
}

nlohmann::json image_prompt_to_json(const ImagePrompt& p) {
  nlohmann::json j = {{"path", p.path},
                      {"weight", p.weight},
                      {"type", diffusion::ip_weight_type_name(p.type)},
                      {"start", p.start},
                      {"end", p.end}};
  if (p.composition_weight) j["composition_weight"] = *p.composition_weight;
  if (!p.mask.empty()) j["mask"] = p.mask;
  return j;
}

std::vector<std::string> image_prompt_problems(const ImagePrompt& p, std::size_t index) {
  std::vector<std::string> out;
  const auto n = index + 1;
  if (p.composition_weight && !(*p.composition_weight >= 0.0 && *p.composition_weight <= 5.0)) {
    out.push_back(fmt::format("image prompt {} has composition_weight {}, expected 0 to 5", n, *p.composition_weight));
  }
  if (!(p.start >= 0.0 && p.start < p.end && p.end <= 1.0)) {
    out.push_back(fmt::format("image prompt {}: start {} / end {}: expected 0 <= start < end <= 1", n, p.start, p.end));
  }
  return out;
}

std::string image_prompts_a1111(const std::vector<ImagePrompt>& prompts, const std::string& negative_image) {
  std::string out;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto& p = prompts[i];
    if (is_plain(p)) continue;
    out += fmt::format(", IP-Adapter {}: {} {}", i + 1, diffusion::ip_weight_type_name(p.type), p.weight);
    if (p.type == diffusion::IpWeightType::StyleAndComposition)
      out += fmt::format("/{}", p.effective_composition_weight());
    if (p.start != 0.0 || p.end != 1.0) out += fmt::format(" ({}-{})", p.start, p.end);
    if (!p.mask.empty()) out += " masked";
  }
  if (!negative_image.empty()) out += ", IP negative image";
  return out;
}

}  // namespace poseforge::pipeline
