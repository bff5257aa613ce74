// Request: JSON reading/writing with Segmind's names, validation, A1111 parameter text.
#include "core/pipeline/request.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/error.h"
#include "core/io/json_number.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/image_prompt_json.h"
#include "core/pipeline/request_text_checks.h"

namespace poseforge::pipeline {
namespace {

const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "input_image", "image", "pose_json", "ip_image", "ip_images", "prompt", "negative_prompt",
      "samples", "scheduler", "num_inference_steps", "guidance_scale", "seed", "ip_adapter_scale",
      "controlnet_scale", "control_start", "control_end", "width", "height", "base64",
      "schedule", "ip_negative_image", "pose_frame", "pose_body", "pose_hands", "pose_face"};
  return keys;
}

template <typename T>
T get(const nlohmann::json& json, const char* key, const T& fallback) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return fallback;
  if (!io::json_fits<T>(*it))
    throw Error("request key '{}' is out of range or not a whole number: got {}", key, it->dump());
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error("request key '{}' has the wrong type: got {}", key, it->dump());
  }
}

std::string resolve(const std::string& path, const std::filesystem::path& base_dir) {
  // Inline images (a data: URL or raw base64, as Segmind's API takes them) are not paths.
  if (path.empty() || base_dir.empty() || inline_base64_payload(path)) return path;
  const std::filesystem::path p(path);
  return p.is_absolute() ? path : (base_dir / p).lexically_normal().string();
}

ImagePrompt parse_image_prompt(const nlohmann::json& item, const std::filesystem::path& base_dir) {
  return image_prompt_from_json(item, [&](const std::string& path) { return resolve(path, base_dir); });
}

}  // namespace

std::vector<std::string> Request::problems() const {
  std::vector<std::string> out;
  if (pose_image.empty() && pose_json.empty()) out.push_back("no pose: give input_image (a photo) or pose_json");
  if (samples < 1 || samples > kMaxSamples) out.push_back(fmt::format("samples is {}, expected 1 to {}", samples, kMaxSamples));
  if (steps < 1 || steps > kMaxSteps) out.push_back(fmt::format("num_inference_steps is {}, expected 1 to {}", steps, kMaxSteps));
  if (!(guidance_scale >= 1.0 && guidance_scale <= 50.0)) out.push_back(fmt::format("guidance_scale is {}, expected 1 to 50", guidance_scale));
  if (!(ip_adapter_scale >= 0.0 && ip_adapter_scale <= 2.0)) out.push_back(fmt::format("ip_adapter_scale is {}, expected 0 to 2", ip_adapter_scale));
  if (!(controlnet_scale >= 0.0 && controlnet_scale <= 2.0)) out.push_back(fmt::format("controlnet_scale is {}, expected 0 to 2", controlnet_scale));
  if (!(control_start >= 0.0 && control_start < control_end && control_end <= 1.0)) {
    out.push_back(fmt::format("control_start {} / control_end {}: expected 0 <= start < end <= 1", control_start, control_end));
  }
  for (const auto& [name, side] : {std::pair<const char*, int>{"width", width}, {"height", height}}) {
    if (side < 64 || side > kMaxSide || side % 8 != 0) {
      out.push_back(fmt::format("{} is {}, expected a multiple of 8 from 64 to {}", name, side, kMaxSide));
    }
  }
  if (seed < -1) out.push_back(fmt::format("seed is {}, expected -1 (random) or a non-negative number", seed));
  for (std::size_t i = 0; i < image_prompts.size(); ++i) {
    if (image_prompts[i].path.empty()) out.push_back(fmt::format("image prompt {} has no path", i + 1));
    if (!(image_prompts[i].weight > 0.0)) {
      out.push_back(fmt::format("image prompt {} ('{}') has weight {}, expected > 0", i + 1, image_prompts[i].path, image_prompts[i].weight));
    }
    for (auto& problem : image_prompt_problems(image_prompts[i], i)) out.push_back(std::move(problem));
  }
  if (!ip_negative_image.empty() && image_prompts.empty()) {
    out.push_back("ip_negative_image was given without any ip_image");
  }
  if (scheduler.empty()) out.push_back("scheduler is empty");
  model_request_problems(*this, out);
  if (schedule.empty()) out.push_back("schedule is empty");
  for (auto& p : request_text_problems(*this)) out.push_back(std::move(p));  // UTF-8, prompt weights
  if (pose_frame < 0) out.push_back(fmt::format("pose_frame is {}, expected 0 or more", pose_frame));
  return out;
}

void Request::validate() const {
  const auto list = problems();
  if (list.empty()) return;
  std::string msg = "invalid request:";
  for (const auto& p : list) msg += "\n  - " + p;
  throw Error(msg);
}

nlohmann::json Request::to_json() const {
  nlohmann::json j;
  if (!pose_image.empty()) j["input_image"] = pose_image;
  if (!pose_json.empty()) j["pose_json"] = pose_json;
  if (!image_prompts.empty()) {
    auto list = nlohmann::json::array();
    for (const auto& ip : image_prompts) list.push_back(image_prompt_to_json(ip));
    j["ip_image"] = list;
  }
  j["prompt"] = prompt;
  j["negative_prompt"] = negative_prompt;
  j["samples"] = samples;
  j["scheduler"] = scheduler;
  j["num_inference_steps"] = steps;
  j["guidance_scale"] = guidance_scale;
  j["seed"] = seed;
  j["ip_adapter_scale"] = ip_adapter_scale;
  j["controlnet_scale"] = controlnet_scale;
  j["control_start"] = control_start;
  j["control_end"] = control_end;
  j["width"] = width;
  j["height"] = height;
  j["base64"] = base64;
  write_model_request_keys(*this, j);
  j["schedule"] = schedule;
  if (!ip_negative_image.empty()) j["ip_negative_image"] = ip_negative_image;
  if (pose_frame != 0) j["pose_frame"] = pose_frame;
  if (!pose_body) j["pose_body"] = false;
  if (!pose_hands) j["pose_hands"] = false;
  if (!pose_face) j["pose_face"] = false;
  return j;
}

Request Request::from_json(const nlohmann::json& json, const std::filesystem::path& base_dir) {
  if (!json.is_object()) throw Error("a request must be a JSON object, got {}", json.type_name());
  for (const auto& [key, _] : json.items()) {
    if (!known_keys().count(key) && !is_model_request_key(key)) throw Error("unknown request key '{}'", key);
  }
  Request r;
  r.pose_image = resolve(get<std::string>(json, "input_image", get<std::string>(json, "image", "")), base_dir);
  r.pose_json = resolve(get<std::string>(json, "pose_json", ""), base_dir);
  for (const char* key : {"ip_image", "ip_images"}) {
    auto it = json.find(key);
    if (it == json.end() || it->is_null()) continue;
    if (it->is_array()) {
      for (const auto& item : *it) r.image_prompts.push_back(parse_image_prompt(item, base_dir));
    } else {
      r.image_prompts.push_back(parse_image_prompt(*it, base_dir));
    }
  }
  r.prompt = get<std::string>(json, "prompt", r.prompt);
  r.negative_prompt = get<std::string>(json, "negative_prompt", r.negative_prompt);
  r.samples = get<int>(json, "samples", r.samples);
  r.scheduler = get<std::string>(json, "scheduler", r.scheduler);
  r.steps = get<int>(json, "num_inference_steps", r.steps);
  r.guidance_scale = get<double>(json, "guidance_scale", r.guidance_scale);
  r.seed = get<std::int64_t>(json, "seed", r.seed);
  r.ip_adapter_scale = get<double>(json, "ip_adapter_scale", r.ip_adapter_scale);
  r.controlnet_scale = get<double>(json, "controlnet_scale", r.controlnet_scale);
  r.control_start = get<double>(json, "control_start", r.control_start);
  r.control_end = get<double>(json, "control_end", r.control_end);
  r.width = get<int>(json, "width", r.width);
  r.height = get<int>(json, "height", r.height);
  r.base64 = get<bool>(json, "base64", r.base64);
  read_model_request_keys(json, base_dir, r);
  r.schedule = get<std::string>(json, "schedule", r.schedule);
  r.ip_negative_image = resolve(get<std::string>(json, "ip_negative_image", ""), base_dir);
  r.pose_frame = get<int>(json, "pose_frame", r.pose_frame);
  r.pose_body = get<bool>(json, "pose_body", r.pose_body);
  r.pose_hands = get<bool>(json, "pose_hands", r.pose_hands);
  r.pose_face = get<bool>(json, "pose_face", r.pose_face);
  return r;
}

Request Request::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("request file '{}' cannot be opened", path.string());
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("request file '{}' is not valid JSON: {}", path.string(), e.what());
  }
  try {
    return from_json(json, path.parent_path());
  } catch (const Error& e) {
    throw Error("request file '{}': {}", path.string(), e.what());
  }
}

std::string Request::a1111_parameters() const {
  std::ostringstream out;
  out << prompt << "\n";
  if (!negative_prompt.empty()) out << "Negative prompt: " << negative_prompt << "\n";
  out << fmt::format("Steps: {}, Sampler: {}, CFG scale: {}, Seed: {}, Size: {}x{}, IP-Adapter scale: {}, "
                     "ControlNet scale: {}, ControlNet start: {}, ControlNet end: {}",
                     steps, scheduler, guidance_scale, seed, width, height, ip_adapter_scale, controlnet_scale,
                     control_start, control_end);
  out << model_request_a1111(*this);
  if (!schedule.empty()) out << ", Schedule type: " << schedule;
  out << image_prompts_a1111(image_prompts, ip_negative_image);
  return out.str();
}

}  // namespace poseforge::pipeline
