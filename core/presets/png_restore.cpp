// Other tools' PNG settings mapped onto a Request, reporting what maps and what does not.
#include "core/presets/png_restore.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/png_io.h"
#include "core/pipeline/sampler_name.h"
#include "core/presets/a1111_parameters.h"
#include "core/presets/comfyui_workflow.h"

namespace poseforge::presets {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<std::string> sampler_named(const std::string& name) {
  try {
    return pipeline::canonical_sampler_name(name);
  } catch (const Error&) {
    return std::nullopt;
  }
}

bool default_schedule(const std::string& s) {
  return s.empty() || s == "Automatic" || s == "normal";
}

void apply_sampler(const ForeignParameters& p, pipeline::Request& r, RestoreReport& report) {
  if (!p.sampler) {
    if (p.schedule) report.not_restored.push_back(fmt::format("Schedule type: {} (no sampler given)", *p.schedule));
    return;
  }
  const std::string schedule = p.schedule.value_or("");
  if (!default_schedule(schedule)) {
    if (const auto both = sampler_named(*p.sampler + " " + schedule)) {
      r.scheduler = *both;
      report.restored.push_back(fmt::format("sampler {} ({} + {})", *both, *p.sampler, schedule));
      return;
    }
  }
  const auto alone = sampler_named(*p.sampler);
  if (!alone) {
    report.not_restored.push_back(fmt::format("Sampler: {} (not one of ours)", *p.sampler));
    if (!default_schedule(schedule)) report.not_restored.push_back(fmt::format("Schedule type: {}", schedule));
    return;
  }
  r.scheduler = *alone;
  report.restored.push_back("sampler " + *alone);
  if (default_schedule(schedule)) return;
  try {  // a schedule of ours beside the sampler (Exponential, SGM Uniform, Uniform, ...)
    r.schedule = pipeline::canonical_schedule_name(schedule);
    report.restored.push_back("schedule " + r.schedule);
  } catch (const Error&) {
    report.not_restored.push_back(fmt::format("Schedule type: {} (not one of ours)", schedule));
  }
}

template <typename T, typename F>
void apply(const std::optional<T>& v, F&& set, RestoreReport& report, const std::string& what) {
  if (!v) return;
  set(*v);
  report.restored.push_back(what);
}

nlohmann::json parse_chunk(const std::map<std::string, std::string>& text, const std::string& key) {
  const auto it = text.find(key);
  if (it == text.end()) return nullptr;
  try {
    return nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {
    throw Error("its '{}' text is not valid JSON: {}", key, e.what());
  }
}

}  // namespace

std::string RestoreReport::message() const {
  std::string out = fmt::format("Restored from {}: {}", tool, restored.empty() ? "nothing" : join(restored));
  if (!not_restored.empty()) out += "; not restored: " + join(not_restored);
  return out;
}

RestoreReport apply_foreign_parameters(const ForeignParameters& p, pipeline::Request& r) {
  RestoreReport report;
  report.tool = p.tool;
  apply(
      p.prompt, [&](const std::string& v) { r.prompt = v; }, report, "prompt");
  apply(
      p.negative_prompt, [&](const std::string& v) { r.negative_prompt = v; }, report, "negative prompt");
  apply_sampler(p, r, report);
  if (p.steps)
    apply(
        p.steps, [&](int v) { r.steps = v; }, report, fmt::format("steps {}", *p.steps));
  if (p.cfg_scale)
    apply(
        p.cfg_scale, [&](double v) { r.guidance_scale = v; }, report, fmt::format("CFG scale {}", *p.cfg_scale));
  if (p.seed)
    apply(
        p.seed, [&](std::int64_t v) { r.seed = v; }, report, fmt::format("seed {}", *p.seed));
  if (p.width && p.height) {
    r.width = *p.width;
    r.height = *p.height;
    report.restored.push_back(fmt::format("size {}x{}", *p.width, *p.height));
  }
  if (p.controlnet_weight)
    apply(
        p.controlnet_weight, [&](double v) { r.controlnet_scale = v; }, report,
        fmt::format("ControlNet weight {}", *p.controlnet_weight));
  if (p.control_start)
    apply(
        p.control_start, [&](double v) { r.control_start = v; }, report,
        fmt::format("ControlNet start {}", *p.control_start));
  if (p.control_end)
    apply(
        p.control_end, [&](double v) { r.control_end = v; }, report, fmt::format("ControlNet end {}", *p.control_end));
  if (p.ip_adapter_weight)
    apply(
        p.ip_adapter_weight, [&](double v) { r.ip_adapter_scale = v; }, report,
        fmt::format("IP-Adapter weight {}", *p.ip_adapter_weight));
  if (p.model) report.not_restored.push_back(fmt::format("Model: {} (pick the checkpoint in Settings)", *p.model));
  for (const LoraRef& l : p.loras) report.not_restored.push_back(fmt::format("LoRA {} ({})", l.name, l.weight));
  for (const auto& [k, v] : p.unmapped) report.not_restored.push_back(fmt::format("{}: {}", k, v));
  return report;
}

std::optional<PngRestore> restore_from_png(const std::filesystem::path& path, const pipeline::Request& base) {
  const auto text = io::read_png_text(path);
  PngRestore out{base, {}};
  try {
    if (const nlohmann::json ours = parse_chunk(text, "poseforge"); !ours.is_null()) {
      out.request = pipeline::Request::from_json(ours, path.parent_path());
      out.report.tool = "PoseForge";
      out.report.restored.push_back("all settings");
      return out;
    }
    if (const auto it = text.find("parameters"); it != text.end()) {
      out.report = apply_foreign_parameters(parse_a1111_parameters(it->second), out.request);
      return out;
    }
    const nlohmann::json prompt = parse_chunk(text, "prompt");
    const nlohmann::json workflow = parse_chunk(text, "workflow");
    if (prompt.is_null() && workflow.is_null()) return std::nullopt;
    out.report = apply_foreign_parameters(parse_comfyui(prompt, workflow), out.request);
    return out;
  } catch (...) {
    rethrow_with_context(fmt::format("file '{}'", path.string()));
  }
}

}  // namespace poseforge::presets
