// ComfyUI "prompt" / "workflow" graphs -> ForeignParameters: follow the sampler's links to its inputs.
#include "core/presets/comfyui_workflow.h"

#include <map>
#include <vector>

#include "core/error.h"

namespace poseforge::presets {

namespace {

using nlohmann::json;

// ComfyUI sampler_name -> the A1111 name (the schedule is separate, as in A1111's "Schedule type").
const std::map<std::string, std::string>& sampler_names() {
  static const std::map<std::string, std::string> table = {
      {"euler", "Euler"},       {"euler_ancestral", "Euler a"},   {"heun", "Heun"},
      {"dpm_2", "DPM2"},        {"dpm_2_ancestral", "DPM2 a"},    {"lms", "LMS"},
      {"dpmpp_2m", "DPM++ 2M"}, {"dpmpp_2m_sde", "DPM++ 2M SDE"}, {"ddim", "DDIM"},
      {"uni_pc", "UniPC"},      {"dpmpp_sde", "DPM++ SDE"},       {"dpmpp_2s_ancestral", "DPM++ 2S a"}};
  return table;
}

// Widget names of the node types we read, in ComfyUI's widgets_values order ("" = a widget we skip,
// e.g. KSampler's "control after generate").
const std::map<std::string, std::vector<std::string>>& widget_names() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"KSampler", {"seed", "", "steps", "cfg", "sampler_name", "scheduler", "denoise"}},
      {"KSamplerAdvanced",
       {"add_noise", "noise_seed", "", "steps", "cfg", "sampler_name", "scheduler", "start_at_step", "end_at_step",
        "return_with_leftover_noise"}},
      {"CLIPTextEncode", {"text"}},
      {"EmptyLatentImage", {"width", "height", "batch_size"}},
      {"CheckpointLoaderSimple", {"ckpt_name"}},
      {"LoraLoader", {"lora_name", "strength_model", "strength_clip"}},
      {"ControlNetApply", {"strength"}},
      {"ControlNetApplyAdvanced", {"strength", "start_percent", "end_percent"}},
  };
  return table;
}

bool is_link(const json& v) {
  return v.is_array() && v.size() == 2 && (v[0].is_string() || v[0].is_number());
}

std::string link_id(const json& v) {
  return v[0].is_string() ? v[0].get<std::string>() : std::to_string(v[0].get<long long>());
}

class Graph {
 public:
  explicit Graph(const json& prompt) : prompt_(prompt) {}

  const json* node(const json& link) const {
    if (!is_link(link)) return nullptr;
    const auto it = prompt_.find(link_id(link));
    return it == prompt_.end() || !it->is_object() ? nullptr : &*it;
  }
  static std::string type(const json& node) { return node.value("class_type", ""); }
  static const json& inputs(const json& node) {
    static const json empty = json::object();
    const auto it = node.find("inputs");
    return it == node.end() || !it->is_object() ? empty : *it;
  }
  const json& prompt() const { return prompt_; }

 private:
  const json& prompt_;
};

template <typename T>
std::optional<T> value(const json& inputs, const char* key, const std::string& node, ForeignParameters& out) {
  const auto it = inputs.find(key);
  if (it == inputs.end()) return std::nullopt;
  if (is_link(*it)) {
    out.unmapped.emplace_back(fmt::format("{}.{}", node, key), "fed by another node");
    return std::nullopt;
  }
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw Error("ComfyUI prompt: {} input '{}' has the wrong type: {}", node, key, it->dump());
  }
}

// Follows a conditioning input back to its text, noting ControlNet nodes passed through.
std::optional<std::string> follow_conditioning(const Graph& g, json link, bool positive, ForeignParameters& out) {
  for (int guard = 0; guard < 64; ++guard) {
    const json* n = g.node(link);
    if (!n) return std::nullopt;
    const std::string type = Graph::type(*n);
    const json& in = Graph::inputs(*n);
    if (type == "CLIPTextEncode") return value<std::string>(in, "text", type, out);
    if (type == "CLIPTextEncodeSDXL") return value<std::string>(in, "text_g", type, out);
    if (type == "ControlNetApply" || type == "ControlNetApplyAdvanced" || type == "ControlNetApplySD3") {
      if (positive && !out.controlnet_weight) {
        out.controlnet_weight = value<double>(in, "strength", type, out);
        out.control_start = value<double>(in, "start_percent", type, out);
        out.control_end = value<double>(in, "end_percent", type, out);
      }
      link = in.contains("conditioning") ? in["conditioning"] : in.value(positive ? "positive" : "negative", json());
      continue;
    }
    out.unmapped.emplace_back(fmt::format("{} prompt", positive ? "positive" : "negative"),
                              fmt::format("comes from a {} node", type));
    return std::nullopt;
  }
  return std::nullopt;
}

void read_sampler(const Graph& g, const json& sampler, ForeignParameters& out) {
  const std::string type = Graph::type(sampler);
  const json& in = Graph::inputs(sampler);
  out.seed = value<std::int64_t>(in, type == "KSamplerAdvanced" ? "noise_seed" : "seed", type, out);
  out.steps = value<int>(in, "steps", type, out);
  out.cfg_scale = value<double>(in, "cfg", type, out);
  if (const auto name = value<std::string>(in, "sampler_name", type, out)) {
    const auto it = sampler_names().find(*name);
    out.sampler = it == sampler_names().end() ? *name : it->second;
  }
  if (const auto s = value<std::string>(in, "scheduler", type, out)) {
    if (*s != "normal") out.schedule = *s == "karras" ? "Karras" : *s;
  }
  if (const auto d = value<double>(in, "denoise", type, out); d && *d != 1.0)
    out.unmapped.emplace_back("denoise", fmt::format("{}", *d));
  if (in.contains("positive")) out.prompt = follow_conditioning(g, in["positive"], true, out);
  if (in.contains("negative")) out.negative_prompt = follow_conditioning(g, in["negative"], false, out);
  if (const json* latent = in.contains("latent_image") ? g.node(in["latent_image"]) : nullptr) {
    if (Graph::type(*latent) == "EmptyLatentImage") {
      out.width = value<int>(Graph::inputs(*latent), "width", "EmptyLatentImage", out);
      out.height = value<int>(Graph::inputs(*latent), "height", "EmptyLatentImage", out);
    } else {
      out.unmapped.emplace_back("size", fmt::format("the latent comes from a {} node", Graph::type(*latent)));
    }
  }
}

void read_other_nodes(const Graph& g, ForeignParameters& out) {
  for (const auto& [id, node] : g.prompt().items()) {
    if (!node.is_object()) continue;
    const std::string type = Graph::type(node);
    const json& in = Graph::inputs(node);
    if (type == "CheckpointLoaderSimple" && !out.model) {
      out.model = value<std::string>(in, "ckpt_name", type, out);
    } else if (type == "LoraLoader" || type == "LoraLoaderModelOnly") {
      const auto name = value<std::string>(in, "lora_name", type, out);
      if (name) out.loras.push_back({*name, value<double>(in, "strength_model", type, out).value_or(1.0), ""});
    } else if (type.rfind("IPAdapter", 0) == 0 && in.contains("weight") && !out.ip_adapter_weight) {
      out.ip_adapter_weight = value<double>(in, "weight", type, out);
    }
  }
}

}  // namespace

json comfyui_prompt_from_workflow(const json& workflow) {
  if (!workflow.is_object() || !workflow.contains("nodes") || !workflow["nodes"].is_array())
    throw Error("ComfyUI workflow: expected an object with a 'nodes' array");
  // link id -> [source node id, output slot]
  std::map<long long, json> links;
  if (workflow.contains("links") && workflow["links"].is_array())
    for (const json& l : workflow["links"])
      if (l.is_array() && l.size() >= 3 && l[0].is_number() && l[1].is_number())
        links[l[0].get<long long>()] = json{std::to_string(l[1].get<long long>()), l[2]};
  json prompt = json::object();
  for (const json& n : workflow["nodes"]) {
    if (!n.is_object() || !n.contains("id") || !n["id"].is_number()) continue;
    const std::string type = n.value("type", "");
    json inputs = json::object();
    if (n.contains("inputs") && n["inputs"].is_array())
      for (const json& i : n["inputs"])
        if (i.is_object() && i.contains("name") && i.contains("link") && i["link"].is_number())
          if (const auto it = links.find(i["link"].get<long long>()); it != links.end())
            inputs[i["name"].get<std::string>()] = it->second;
    const auto names = widget_names().find(type);
    if (names != widget_names().end() && n.contains("widgets_values") && n["widgets_values"].is_array()) {
      const json& w = n["widgets_values"];
      for (std::size_t k = 0; k < names->second.size() && k < w.size(); ++k)
        if (!names->second[k].empty() && !inputs.contains(names->second[k])) inputs[names->second[k]] = w[k];
    }
    prompt[std::to_string(n["id"].get<long long>())] = {{"class_type", type}, {"inputs", inputs}};
  }
  return prompt;
}

ForeignParameters parse_comfyui(const json& prompt_chunk, const json& workflow) {
  ForeignParameters out;
  out.tool = "ComfyUI";
  const json prompt = prompt_chunk.is_object() ? prompt_chunk : comfyui_prompt_from_workflow(workflow);
  const Graph g(prompt);
  const json* sampler = nullptr;
  int samplers = 0;
  for (const auto& [id, node] : prompt.items()) {
    if (!node.is_object()) continue;
    const std::string type = Graph::type(node);
    if (type == "KSampler" || type == "KSamplerAdvanced") {
      ++samplers;
      if (!sampler) sampler = &node;
    }
  }
  if (!sampler)
    throw Error("ComfyUI {}: no KSampler or KSamplerAdvanced node ({} nodes)",
                prompt_chunk.is_object() ? "prompt" : "workflow", prompt.size());
  if (samplers > 1)
    out.unmapped.emplace_back("samplers", fmt::format("{} sampler nodes; the first was read", samplers));
  read_sampler(g, *sampler, out);
  read_other_nodes(g, out);
  return out;
}

}  // namespace poseforge::presets
