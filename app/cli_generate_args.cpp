// `poseforge-cli generate` arguments: parsing, request assembly, CLI-side request checks.
#include "app/cli_generate_args.h"

#include <fstream>
#include <functional>

#include <torch/cuda.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "app/cli_args.h"
#include "app/cli_image_prompt_args.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/sampler_name.h"
#include "core/presets/png_restore.h"

namespace poseforge::cli {
namespace {

// Request::load (relative paths resolved against the file's folder, inline base64 images kept);
// its errors are usage errors here (exit code 2).
pipeline::Request load_request_file(const std::filesystem::path& path) {
  try {
    return pipeline::Request::load(path);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
}

// The settings of a PNG (ours, A1111/Forge, ComfyUI) on top of `base`; the report goes to `notes`.
pipeline::Request restore_png(const std::filesystem::path& path, const pipeline::Request& base,
                              std::vector<std::string>& notes) {
  std::optional<presets::PngRestore> restored;
  try {
    restored = presets::restore_from_png(path, base);
  } catch (const Error& e) {
    throw UsageError(fmt::format("--request-from-png: {}", e.what()));
  }
  if (!restored)
    throw UsageError(
        fmt::format("--request-from-png: '{}' holds no generation settings (no 'poseforge', "
                    "'parameters', 'prompt' or 'workflow' text)",
                    path.string()));
  notes.push_back(fmt::format("{}: {}", path.string(), restored->report.message()));
  return restored->request;
}

}  // namespace

pipeline::ImagePrompt parse_image_prompt_flag(const std::string& text) {
  pipeline::ImagePrompt ip{text, 1.0};
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return ip;
  const std::string tail = text.substr(colon + 1);
  std::size_t used = 0;
  double weight = 0;
  try {
    weight = std::stod(tail, &used);
  } catch (const std::exception&) {
    return ip;  // "C:\x.png", "data:image/png;base64,...": no weight
  }
  if (used != tail.size()) return ip;
  ip.path = text.substr(0, colon);
  ip.weight = weight;
  return ip;
}

GenerateArgs parse_generate_args(const std::vector<std::string>& args) {
  GenerateArgs g;
  std::filesystem::path request_file, request_png;
  std::vector<std::function<void(pipeline::Request&)>> overrides;  // applied on top of the request file
  ImagePromptArgs ip_images;
  std::vector<pipeline::LoraRequest> loras;  // --lora: replaces the request file's list
  auto set = [&](auto apply) { overrides.emplace_back(apply); };
  ArgReader a(args);
  while (a.next()) {
    if (a.is("--request")) {
      request_file = a.value();
    } else if (a.is("--request-from-png")) {
      request_png = a.value();
    } else if (a.is("--pose-frame")) {
      set([v = a.int_value()](pipeline::Request& r) { r.pose_frame = v; });
    } else if (a.is("--no-pose-hands")) {
      set([](pipeline::Request& r) { r.pose_hands = false; });
    } else if (a.is("--no-pose-face")) {
      set([](pipeline::Request& r) { r.pose_face = false; });
    } else if (a.is("--models")) {
      g.models = a.value();
    } else if (a.is("--out")) {
      g.out = a.value();
    } else if (a.is("--input-image") || a.is("--image")) {
      set([v = a.value()](pipeline::Request& r) { r.pose_image = v, r.pose_json.clear(); });
    } else if (a.is("--pose-json")) {
      set([v = a.value()](pipeline::Request& r) { r.pose_json = v, r.pose_image.clear(); });
    } else if (ip_images.read(a)) {
      // --ip-image and its per-prompt flags, --ip-negative-image
    } else if (a.is("--prompt")) {
      set([v = a.value()](pipeline::Request& r) { r.prompt = v; });
    } else if (a.is("--negative-prompt")) {
      set([v = a.value()](pipeline::Request& r) { r.negative_prompt = v; });
    } else if (a.is("--scheduler") || a.is("--sampler")) {
      set([v = a.value()](pipeline::Request& r) { r.scheduler = v; });
    } else if (a.is("--schedule")) {
      set([v = a.value()](pipeline::Request& r) { r.schedule = v; });
    } else if (a.is("--steps")) {
      set([v = a.int_value()](pipeline::Request& r) { r.steps = v; });
    } else if (a.is("--guidance")) {
      set([v = a.double_value()](pipeline::Request& r) { r.guidance_scale = v; });
    } else if (a.is("--seed")) {
      set([v = a.int64_value()](pipeline::Request& r) { r.seed = v; });
    } else if (a.is("--ip-scale")) {
      set([v = a.double_value()](pipeline::Request& r) { r.ip_adapter_scale = v; });
    } else if (a.is("--controlnet-scale")) {
      set([v = a.double_value()](pipeline::Request& r) { r.controlnet_scale = v; });
    } else if (a.is("--control-start")) {
      set([v = a.double_value()](pipeline::Request& r) { r.control_start = v; });
    } else if (a.is("--control-end")) {
      set([v = a.double_value()](pipeline::Request& r) { r.control_end = v; });
    } else if (a.is("--width")) {
      set([v = a.int_value()](pipeline::Request& r) { r.width = v; });
    } else if (a.is("--height")) {
      set([v = a.int_value()](pipeline::Request& r) { r.height = v; });
    } else if (a.is("--samples")) {
      set([v = a.int_value()](pipeline::Request& r) { r.samples = v; });
    } else if (a.is("--base64")) {
      set([](pipeline::Request& r) { r.base64 = true; });
    } else if (a.is("--device")) {
      g.engine.device = a.value();
    } else if (a.is("--dtype")) {
      g.engine.dtype = a.value();
    } else if (a.is("--check-pose")) {
      g.check_pose = true;
    } else if (a.is("--no-check-pose")) {
      g.check_pose = false;
    } else if (a.is("--low-vram")) {
      g.engine.low_vram = true;
    } else if (a.is("--memory")) {
      g.engine.memory = a.value();
    } else if (a.is("--attention")) {
      g.engine.attention = a.value();
    } else if (a.is("--quiet")) {
      g.progress = false;
    } else if (a.is("--checkpoint")) {
      set([v = a.value()](pipeline::Request& r) { r.checkpoint = v; });
    } else if (a.is("--vae")) {
      set([v = a.value()](pipeline::Request& r) { r.vae = v; });
    } else if (a.is("--lora")) {
      const auto lora = parse_image_prompt_flag(a.value());  // the same FILE[:WEIGHT] form
      loras.push_back({lora.path, lora.weight});
    } else {
      a.unknown();
    }
  }
  if (!request_file.empty()) g.request = load_request_file(request_file);
  if (!request_png.empty()) g.request = restore_png(request_png, g.request, g.notes);
  for (const auto& apply : overrides) apply(g.request);
  ip_images.apply(g.request);
  if (!loras.empty()) g.request.loras = loras;

  const auto& d = g.engine.device;
  if (d != "auto" && d != "cpu" && d != "cuda" && d.rfind("cuda:", 0) != 0) {
    throw UsageError(fmt::format("--device must be auto, cpu, cuda or cuda:N, got '{}'", d));
  }
  if (d.rfind("cuda", 0) == 0 && !torch::cuda::is_available()) {
    throw UsageError(fmt::format("--device {}: no CUDA device is available (use cpu or auto)", d));
  }
  const auto& t = g.engine.dtype;
  if (t != "auto" && t != "float32" && t != "float16" && t != "bfloat16") {
    throw UsageError(fmt::format("--dtype must be auto, float32, float16 or bfloat16, got '{}'", t));
  }
  if (g.out.extension() != ".png")
    throw UsageError(fmt::format("--out must name a .png file, got '{}'", g.out.string()));
  return g;
}

std::vector<std::string> request_problems(const pipeline::Request& request) {
  auto out = request.problems();
  for (auto& p : pipeline::sampler_problems(request.scheduler, request.schedule)) out.push_back(std::move(p));
  return out;
}

std::filesystem::path sample_path(const std::filesystem::path& out, int sample, int samples) {
  if (samples <= 1) return out;
  auto p = out;
  p.replace_filename(fmt::format("{}-{}{}", out.stem().string(), sample + 1, out.extension().string()));
  return p;
}

}  // namespace poseforge::cli
