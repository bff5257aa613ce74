// poseforge-bench pipeline: times pipeline::Pipeline end to end with a synthetic pose (and image prompt).
#include "bench/pipeline_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <torch/torch.h>

#include "bench/cuda_memory.h"
#include "bench/preview_bench.h"
#include "core/error.h"
#include "core/pipeline/demo_models.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/pipeline.h"

namespace poseforge::bench {
namespace {

using Options = std::map<std::string, std::string>;
namespace fs = std::filesystem;

std::string option(const Options& o, const std::string& key, const std::string& fallback) {
  auto it = o.find(key);
  return it == o.end() ? fallback : it->second;
}

int int_option(const Options& o, const std::string& key, int fallback) {
  const auto text = option(o, key, std::to_string(fallback));
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    throw Error("--{} '{}' is not an integer", key, text);
  }
}

double double_option(const Options& o, const std::string& key, double fallback) {
  const auto it = o.find(key);
  if (it == o.end()) return fallback;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  throw Error("--{} '{}' is not a number", key, it->second);
}

// A stick figure in OpenPose-like colours on black, size x size (what the pose stage would draw).
io::Image synthetic_pose(int width, int height) {
  io::Image img;
  img.width = width;
  img.height = height;
  img.channels = 3;
  img.pixels.assign(static_cast<std::size_t>(width) * height * 3, 0);
  struct Limb {
    float x0, y0, x1, y1;
    std::uint8_t r, g, b;
  };
  const Limb limbs[] = {{0.5f, 0.15f, 0.5f, 0.5f, 255, 0, 0},   {0.5f, 0.25f, 0.3f, 0.4f, 255, 170, 0},
                        {0.5f, 0.25f, 0.7f, 0.4f, 170, 255, 0}, {0.5f, 0.5f, 0.4f, 0.85f, 0, 255, 85},
                        {0.5f, 0.5f, 0.6f, 0.85f, 0, 170, 255}, {0.3f, 0.4f, 0.25f, 0.55f, 85, 0, 255}};
  const int thickness = std::max(2, width / 100);
  for (const auto& l : limbs) {
    const int n = std::max(width, height);
    for (int k = 0; k <= n; ++k) {
      const float t = static_cast<float>(k) / n;
      const int cx = static_cast<int>((l.x0 + (l.x1 - l.x0) * t) * width);
      const int cy = static_cast<int>((l.y0 + (l.y1 - l.y0) * t) * height);
      for (int y = std::max(0, cy - thickness); y < std::min(height, cy + thickness); ++y) {
        for (int x = std::max(0, cx - thickness); x < std::min(width, cx + thickness); ++x) {
          auto* p = img.row(y) + 3 * x;
          p[0] = l.r, p[1] = l.g, p[2] = l.b;
        }
      }
    }
  }
  return img;
}

// A smooth colour gradient, a stand-in for a reference photo.
io::Image synthetic_photo(int side) {
  io::Image img;
  img.width = img.height = side;
  img.channels = 3;
  img.pixels.resize(static_cast<std::size_t>(side) * side * 3);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      auto* p = img.row(y) + 3 * x;
      p[0] = static_cast<std::uint8_t>(255 * x / side);
      p[1] = static_cast<std::uint8_t>(255 * y / side);
      p[2] = static_cast<std::uint8_t>(128 + 127 * std::sin(0.05 * (x + y)));
    }
  }
  return img;
}

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  for (std::string rest = text; !rest.empty();) {
    const auto comma = rest.find(',');
    items.push_back(rest.substr(0, comma));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  return items;
}

int run_pipeline_bench(const Options& o) {
  // 1. models: a given folder, or the demo engine models written first
  fs::path root;
  if (o.count("make-demo")) {
    root = option(o, "make-demo", "");
    const auto t = std::chrono::steady_clock::now();
    const auto files = pipeline::write_demo_diffusion_models(root, 0);
    fmt::print("wrote {} demo model files to {} in {:.1f} s\n", files.size(), root.string(), since(t));
  } else if (o.count("models")) {
    root = option(o, "models", "");
  } else {
    throw Error("pipeline: give --models DIR (a models root) or --make-demo DIR");
  }
  pipeline::ModelPaths paths = pipeline::ModelPaths::discover(root);
  const bool with_ip = int_option(o, "ip", 0) != 0;
  if (!with_ip) paths.ip_adapter.clear(), paths.image_encoder.clear();

  pipeline::EngineOptions engine;
  engine.device = option(o, "device", "auto");
  engine.dtype = option(o, "dtype", "auto");
  engine.low_vram = o.count("low-vram") != 0;
  engine.memory = option(o, "memory", "auto");
  engine.vae_dtype = option(o, "vae-dtype", "auto");
  engine.log_memory = o.count("memory-phases") != 0;
  engine.channels_last = o.count("no-channels-last") == 0;
  engine.fused_kernels = o.count("no-fused") == 0;
  engine.attention = option(o, "attention", "auto");
  engine.deterministic = option(o, "cudnn", "deterministic") != "fast";
  engine.cuda_graphs = o.count("no-graph") == 0;
  engine.previews.full_every = int_option(o, "full-preview-every", 0);
  engine.previews.taesd = o.count("no-taesd") == 0;
  engine.previews.full_budget = double_option(o, "full-preview-budget", engine.previews.full_budget);
  engine.previews.step_budget = double_option(o, "step-preview-budget", engine.previews.step_budget);
  const std::string preview_stream = option(o, "preview-stream", "own");
  if (preview_stream != "own" && preview_stream != "main")
    throw Error("--preview-stream '{}' is not valid (own: beside the loop, main: between its steps)", preview_stream);
  engine.previews.own_stream = preview_stream == "own";
  engine.warm_up_side = o.count("no-warm-up") ? 0 : int_option(o, "size", 1024);

  pipeline::Request request;
  request.width = request.height = int_option(o, "size", 1024);
  request.steps = int_option(o, "steps", 20);
  request.scheduler = option(o, "scheduler", request.scheduler);
  request.guidance_scale = double_option(o, "guidance", 6);
  request.controlnet_scale = double_option(o, "controlnet-scale", 0.8);
  request.ip_adapter_scale = double_option(o, "ip-scale", 0.6);
  request.seed = 42;
  request.prompt = "a dancer on a stage, studio light, detailed";
  request.negative_prompt = "blurry, lowres";
  request.pose_image = "(synthetic)";
  // --lora FILE[:W][,FILE[:W]...]: merged before the first run (its merge time is in run 1)
  for (const std::string& item : comma_list(option(o, "lora", ""))) {
    pipeline::LoraRequest lora;
    const auto colon = item.rfind(':');
    lora.path = colon == std::string::npos ? item : item.substr(0, colon);
    if (colon != std::string::npos) lora.weight = std::stod(item.substr(colon + 1));
    request.loras.push_back(lora);
  }
  pipeline::Inputs inputs;
  inputs.control_image = synthetic_pose(request.width, request.height);
  if (with_ip) inputs.image_prompts.push_back({synthetic_photo(512), 1.0});

  // 2. load (synchronised so the time is the real one)
  pipeline::Pipeline pipe(paths, engine);
  const torch::Device device(pipe.device_description().substr(0, pipe.device_description().find_first_of(" ,")));
  fmt::print("models {}{}\ndevice {}\n", root.string(), pipeline::is_demo_model_set(paths) ? " (demo)" : "",
             pipe.device_description());
  for (const auto& l : request.loras) fmt::print("LoRA {} at {}\n", l.path, l.weight);
  auto t = std::chrono::steady_clock::now();
  pipe.load();
  synchronize(device);
  fmt::print("model load: {:.2f} s\n", since(t));
  fmt::print("after loading: {}\n", memory_report(device));
  reset_peak_memory(device);

  // 3. runs: the first encodes the prompt (and image prompt), later ones re-use the caches, unless
  // --new-prompt gives each run its own prompt and image prompt (what a user's next picture costs).
  const bool new_prompt = o.count("new-prompt") != 0;
  const int runs = std::max(1, int_option(o, "runs", 2));
  const std::string base_prompt = request.prompt;
  for (int run = 1; run <= runs; ++run) {
    if (new_prompt) {
      request.prompt = fmt::format("{}, take {}", base_prompt, run);
      if (with_ip) inputs.image_prompts.front().image.pixels[static_cast<std::size_t>(run)] ^= 0x55;
    }
    const TimedRun r = timed_run(pipe, request, inputs, device);
    fmt::print(
        "run {} ({}): {:.3f} s total, {:.4f} s per step (total / steps), {:.4f} s per step (loop), "
        "{} progress callbacks, {}, image {}x{}\n",
        run, run == 1 || new_prompt ? "encoders + loop + decode" : "cached conditioning", r.total_s,
        r.total_s / request.steps, r.loop_step_s, r.callbacks, previews_summary(r), r.width, r.height);
  }
  // 4. the previews: their cost a step (with against without, on the cached conditioning), then the
  // first preview after a slider move
  if (const int pairs = int_option(o, "preview-cost", 0); pairs > 0)
    print_preview_cost(pipe, request, inputs, device, pairs);
  if (const int n = int_option(o, "slider-runs", 0); n > 0) print_slider_runs(pipe, request, inputs, device, n);
  fmt::print("{} x {}, {} steps, {}, CFG {}, ControlNet {}, IP-Adapter {}{}\n", request.width, request.height,
             request.steps, request.scheduler, request.guidance_scale, request.controlnet_scale,
             with_ip ? fmt::format("{}", request.ip_adapter_scale) : "off",
             new_prompt ? ", a new prompt each run" : "");
  fmt::print("{}\n", memory_report(device));
  return 0;
}

}  // namespace poseforge::bench
