// A1111 / Forge "parameters" text -> ForeignParameters, following parse_generation_parameters' rules.
#include "core/presets/a1111_parameters.h"

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace poseforge::presets {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A1111's re_param: "Key: value" pairs, a value either "quoted, with \"escapes\"" or up to the next comma.
Pairs key_values(const std::string& line) {
  static const std::regex re(R"re(\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$))re");
  Pairs out;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), re); it != std::sregex_iterator(); ++it) {
    std::string value = (*it)[2].str();
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      try {
        value = nlohmann::json::parse(value).get<std::string>();
      } catch (const nlohmann::json::exception&) {
        value = value.substr(1, value.size() - 2);
      }
    }
    out.emplace_back(trim((*it)[1].str()), trim(value));
  }
  return out;
}

double to_double(const std::string& key, const std::string& value) {
  std::size_t used = 0;
  double d = 0;
  try {
    d = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) throw Error("A1111 parameters: '{}' must be a number, got '{}'", key, value);
  return d;
}

std::int64_t to_int(const std::string& key, const std::string& value) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size())
    throw Error("A1111 parameters: '{}' must be a whole number, got '{}'", key, value);
  return v;
}

bool contains(const std::string& text, const char* part) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(part) != std::string::npos;
}

// <lora:name>, <lora:name:0.8>, <lora:name:0.8:0.5> (text-encoder weight, ignored) out of the prompt.
std::string take_lora_tags(const std::string& prompt, std::vector<LoraRef>& loras) {
  static const std::regex re(R"re(<lora:([^:>]+)(?::([^:>]*))?(?::[^>]*)?>)re");
  std::string out;
  auto last = prompt.cbegin();
  for (auto it = std::sregex_iterator(prompt.begin(), prompt.end(), re); it != std::sregex_iterator(); ++it) {
    out.append(last, prompt.cbegin() + it->position());
    last = prompt.cbegin() + it->position() + it->length();
    LoraRef lora{trim((*it)[1].str()), 1.0, ""};
    if ((*it)[2].matched && !trim((*it)[2].str()).empty())
      lora.weight = to_double("<lora:" + lora.name + ">", trim((*it)[2].str()));
    loras.push_back(lora);
  }
  out.append(last, prompt.cend());
  // The spaces and line breaks the tags leave behind: " ," -> ",", no double spaces, no empty lines.
  static const std::regex space_comma(R"re([ \t]+,)re"), spaces(R"re([ \t]{2,})re"), empty_lines(R"re(\n[ \t,]*\n)re");
  out = std::regex_replace(out, space_comma, ",");
  out = std::regex_replace(out, spaces, " ");
  out = std::regex_replace(out, empty_lines, "\n");
  const auto b = out.find_first_not_of(" ,\t\n");
  if (b == std::string::npos) return "";
  return out.substr(b, out.find_last_not_of(" ,\t\n") - b + 1);
}

void read_lora_hashes(const std::string& value, std::vector<LoraRef>& loras) {
  std::stringstream list(value);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos) continue;
    const std::string name = trim(item.substr(0, colon)), hash = trim(item.substr(colon + 1));
    bool found = false;
    for (LoraRef& l : loras)
      if (l.name == name) l.hash = hash, found = true;
    if (!found) loras.push_back({name, 1.0, hash});
  }
}

// "ControlNet 0": "Module: openpose_full, Model: ..., Weight: 0.8, Guidance Start: 0, Guidance End: 1, ..."
bool read_controlnet_unit(const std::string& key, const std::string& value, ForeignParameters& out) {
  const Pairs unit = key_values(value);
  std::string module, model;
  for (const auto& [k, v] : unit) {
    if (k == "Module") module = v;
    if (k == "Model") model = v;
  }
  auto number = [&](const char* name) -> std::optional<double> {
    for (const auto& [k, v] : unit)
      if (k == name) return to_double(key + " " + name, v);
    return std::nullopt;
  };
  if (contains(module, "ip-adapter") || contains(module, "ip_adapter") || contains(model, "ip-adapter") ||
      contains(model, "ip_adapter")) {
    if (out.ip_adapter_weight) return false;
    out.ip_adapter_weight = number("Weight");
    return out.ip_adapter_weight.has_value();
  }
  if (contains(module, "openpose") || contains(model, "openpose")) {
    if (out.controlnet_weight) return false;
    out.controlnet_weight = number("Weight");
    out.control_start = number("Guidance Start");
    out.control_end = number("Guidance End");
    return out.controlnet_weight.has_value();
  }
  return false;
}

}  // namespace

ForeignParameters parse_a1111_parameters(const std::string& text) {
  ForeignParameters out;
  out.tool = "A1111/Forge";
  std::vector<std::string> lines;
  std::stringstream in(trim(text));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string settings;
  if (!lines.empty() && key_values(lines.back()).size() >= 3) {
    settings = lines.back();
    lines.pop_back();
  }
  std::string prompt, negative;
  bool in_negative = false;
  for (std::string line : lines) {
    line = trim(line);
    if (line.rfind("Negative prompt:", 0) == 0) {
      in_negative = true;
      line = trim(line.substr(16));
    }
    std::string& target = in_negative ? negative : prompt;
    target += (target.empty() ? "" : "\n") + line;
  }
  out.prompt = take_lora_tags(prompt, out.loras);
  if (in_negative) out.negative_prompt = negative;

  for (const auto& [key, value] : key_values(settings)) {
    if (key == "Steps") {
      out.steps = static_cast<int>(to_int(key, value));
    } else if (key == "Sampler") {
      out.sampler = value;
    } else if (key == "Schedule type") {
      out.schedule = value;
    } else if (key == "CFG scale") {
      out.cfg_scale = to_double(key, value);
    } else if (key == "Seed") {
      out.seed = to_int(key, value);
    } else if (key == "Size") {
      const auto x = value.find('x');
      if (x == std::string::npos) throw Error("A1111 parameters: 'Size' must be WIDTHxHEIGHT, got '{}'", value);
      out.width = static_cast<int>(to_int(key, value.substr(0, x)));
      out.height = static_cast<int>(to_int(key, value.substr(x + 1)));
    } else if (key == "Model") {
      out.model = value;
    } else if (key == "Lora hashes") {
      read_lora_hashes(value, out.loras);
    } else if (key.rfind("ControlNet", 0) == 0 && read_controlnet_unit(key, value, out)) {
      continue;
    } else if (key != "Version" && key != "Model hash") {
      out.unmapped.emplace_back(key, value);
    }
  }
  return out;
}

}  // namespace poseforge::presets
