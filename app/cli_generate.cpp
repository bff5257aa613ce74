// `poseforge-cli generate`: checks the request and the models, decodes the inputs, runs the Pipeline
// with a progress bar, scores pose adherence, writes PNGs with their parameters, prints a JSON summary.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>

#include <unistd.h>

#include <fmt/format.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "app/cli_args.h"
#include "app/cli_commands.h"
#include "app/cli_generate_args.h"
#include "app/cli_image_prompt_args.h"
#include "app/cli_output_check.h"
#include "app/cli_progress.h"
#include "core/io/json_text.h"
#include "core/io/png_io.h"
#include "core/pipeline/base64.h"
#include "core/pipeline/demo_models.h"
#include "core/pipeline/model_files.h"
#include "core/pipeline/request_inputs.h"
#include "core/pipeline/stage_error.h"
#include "core/pose/detector.h"
#include "core/pose/pose_adherence.h"

namespace poseforge::cli {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_cancel{false};

// Ctrl+C: the first asks the Pipeline to stop after the current model call (exit 1, nothing
// written); a second one quits at once. Only async-signal-safe calls here.
void on_interrupt(int) {
  if (g_cancel.exchange(true)) std::_Exit(130);
  const char msg[] = "\ncancelling after the current step (Ctrl+C again quits at once)\n";
  [[maybe_unused]] const auto n = ::write(2, msg, sizeof(msg) - 1);
}

// Installs on_interrupt for its lifetime (a fresh cancel flag), then puts the previous handler back.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_cancel.store(false);
    previous_ = std::signal(SIGINT, on_interrupt);
  }
  ~InterruptGuard() { std::signal(SIGINT, previous_); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_)(int) = SIG_DFL;
};

std::string body_device(const pipeline::EngineOptions& engine) {
  if (engine.device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  return engine.device;
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

pose::AdherenceSettings adherence_settings(const pipeline::Request& r) {
  return {r.controlnet_scale, r.ip_adapter_scale, !r.image_prompts.empty(), r.control_start, r.control_end};
}

int bad_request(const std::string& message) {
  std::fprintf(stderr, "error: generate: %s\n", message.c_str());
  return kExitUsage;
}

pipeline::Result run_pipeline(const pipeline::ModelPaths& paths, const GenerateArgs& g,
                              const pipeline::Inputs& inputs) {
  pipeline::Pipeline engine(paths, g.engine);
  ProgressBar bar(stderr);
  pipeline::ProgressFn progress;
  if (g.progress) progress = [&bar](const pipeline::Progress& p) { bar.update(p); };
  std::fprintf(stderr, "loading models from %s ...\n",
               (paths.checkpoint.empty() ? paths.sdxl.parent_path() : paths.checkpoint).string().c_str());
  engine.load();
  std::fprintf(stderr, "running on %s\n", engine.device_description().c_str());
  try {
    auto result = engine.generate(g.request, inputs, progress, &g_cancel);
    bar.finish();
    return result;
  } catch (...) {
    bar.finish();
    throw;
  }
}

}  // namespace

const char* generate_usage() {
  return "  generate (--input-image PHOTO | --pose-json POSE.json) [--ip-image PATH[:WEIGHT]]... [--prompt TEXT]\n"
         "           [--negative-prompt TEXT] [--scheduler NAME] [--schedule NAME] [--steps N] [--guidance X] [--seed N]\n"
         "           [--ip-scale X] [--controlnet-scale X] [--control-start X] [--control-end X]\n"
         "           [--width N] [--height N] [--samples N] [--out FILE.png] [--request FILE.json] [--base64]\n"
         "           [--models DIR] [--device auto|cpu|cuda[:N]] [--dtype auto|float32|float16|bfloat16]\n"
         "           [--check-pose | --no-check-pose] [--low-vram] [--memory auto|resident|balanced|low|minimal]\n"
         "           [--attention auto|flash|efficient|cudnn|math] [--quiet]\n"
         "           [--request-from-png FILE.png]\n"
         "           [--pose-frame N] [--no-pose-hands] [--no-pose-face]\n"
         "           [--checkpoint NAME|FILE] [--vae FILE] [--lora FILE|NAME[:WEIGHT]]...\n"
         "              make pictures; --request reads Segmind's IP-Adapter-OpenPose keys (flags override);\n"
         "              PNGs carry 'parameters' (A1111), 'poseforge' (the request) and 'poseforge_run' (sample,\n"
         "              demo models, pose adherence) text; a JSON summary\n"
         "              goes to stdout. Exit 0 done, 2 bad request, 1 failed or cancelled (Ctrl+C)\n"
         "              --request-from-png takes the settings of a PoseForge, A1111/Forge or ComfyUI PNG;\n"
         "              --pose-frame picks a frame of a ComfyUI POSE_KEYPOINT list (0 = first); hands and\n"
         "              face of a pose JSON are drawn into the control image unless turned off\n";
}

int run_generate(const std::vector<std::string>& args) {
  // 1. Arguments and the request.
  GenerateArgs g;
  try {
    g = parse_generate_args(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: generate: %s\nusage:\n%s%s", e.what(), generate_usage(), image_prompt_usage());
    return kExitUsage;
  }
  for (const auto& note : g.notes) std::fprintf(stderr, "%s\n", note.c_str());
  const auto problems = request_problems(g.request);
  if (!problems.empty()) {
    std::string msg = "invalid request:";
    for (const auto& p : problems) msg += "\n  - " + p;
    return bad_request(msg);
  }
  if (const auto out_problems = output_problems(g.out, g.request.samples); !out_problems.empty()) {
    std::string msg = "cannot write the output:";
    for (const auto& p : out_problems) msg += "\n  - " + p;
    return bad_request(msg);
  }

  // 2. The models: everything this request needs must be there before anything runs.
  const fs::path root = g.models.empty() ? pipeline::default_models_root() : g.models;
  pipeline::ModelPaths paths = pipeline::ModelPaths::discover(root);
  try {  // --checkpoint / --vae (names looked up in <models>/checkpoints, vae) and the LoRAs must exist
    paths = pipeline::with_request_models(paths, g.request);
    pipeline::resolve_loras(g.request, paths);
  } catch (const Error& e) {
    return bad_request(e.what());
  }
  const bool pose_photo = g.request.pose_json.empty();
  std::error_code ec;
  const bool check_pose = g.check_pose.value_or(!paths.openpose.empty() && fs::is_regular_file(paths.openpose, ec));
  const auto model_problems = paths.problems(!g.request.image_prompts.empty(), pose_photo || check_pose);
  if (!model_problems.empty()) {
    std::string msg = fmt::format("models under '{}' are missing or incomplete:", root.string());
    for (const auto& p : model_problems) msg += "\n  - " + p;
    return bad_request(msg + "\n(see models/README.md, or `poseforge-cli make-demo-models DIR` for a tiny test set)");
  }
  const bool demo = pipeline::is_demo_model_set(paths);
  if (demo)
    std::fprintf(stderr, "note: DEMO models (random weights) in %s: the pictures will be noise\n",
                 root.string().c_str());

  // 3. Inputs.
  const InterruptGuard interrupt;
  pipeline::DecodedInputs decoded;
  try {
    decoded = pipeline::decode_request_inputs(g.request, {paths.openpose, body_device(g.engine)});
  } catch (const pipeline::InputError& e) {
    return bad_request(e.what());
  } catch (const Error& e) {
    std::fprintf(stderr, "error: generate: %s\n", e.what());
    return kExitFailure;
  }

  const auto& people = decoded.pose.people();
  if (pose_photo &&
      std::none_of(people.begin(), people.end(), [](const pose::Person& p) { return p.body_count() > 0; })) {
    std::fprintf(stderr, "warning: no body pose found in '%s': ControlNet gets an empty skeleton\n",
                 g.request.pose_image.size() > 200 ? "input_image (inline)" : g.request.pose_image.c_str());
  }

  // 4. Run, score, write.
  try {
    const pipeline::Result result = run_pipeline(paths, g, decoded.inputs);
    std::optional<pose::BodyDetector> detector;
    if (check_pose) {
      detector.emplace(pipeline::run_stage(
          fmt::format("loading the OpenPose body model '{}'", paths.openpose.string()),
          [&] { return pose::BodyDetector::load(paths.openpose, torch::Device(body_device(g.engine))); }));
    }

    nlohmann::json summary = {
        {"files", nlohmann::json::array()},      {"seeds", result.seeds}, {"device", result.device},
        {"total_seconds", result.total_seconds}, {"demo_models", demo},   {"request", result.request.to_json()}};
    if (!result.step_seconds.empty()) {
      summary["seconds_per_step"] = std::accumulate(result.step_seconds.begin(), result.step_seconds.end(), 0.0) /
                                    static_cast<double>(result.step_seconds.size());
    }
    nlohmann::json adherence_list = nlohmann::json::array(), images = nlohmann::json::array();
    for (std::size_t i = 0; i < result.images.size(); ++i) {
      pipeline::Request as_run = result.request;
      if (i < result.seeds.size()) as_run.seed = result.seeds[i];
      // "poseforge": the request as run (what the app and --request restore); "poseforge_run": what this
      // run was beside it (which sample, demo models, the pose adherence measured).
      nlohmann::json run = {{"sample", static_cast<int>(i) + 1}, {"demo_models", demo}};
      if (detector) {
        const auto a =
            pose::check_pose_adherence(*detector, result.images[i], decoded.pose, adherence_settings(as_run));
        run["pose_adherence"] = a.to_json();
        adherence_list.push_back(a.to_json());
        std::fprintf(stderr, "sample %zu: %s\n", i + 1, a.message.c_str());
      }
      const fs::path file = sample_path(g.out, static_cast<int>(i), static_cast<int>(result.images.size()));
      io::write_png(file, result.images[i],
                    {{"parameters", as_run.a1111_parameters()},
                     {"poseforge", io::json_text(as_run.to_json())},
                     {"poseforge_run", io::json_text(run)}});
      summary["files"].push_back(file.string());
      if (g.request.base64) images.push_back(pipeline::base64_encode(read_bytes(file)));
    }
    if (!result.notes.empty()) summary["notes"] = result.notes;
    for (const auto& note : result.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    if (check_pose) summary["pose_adherence"] = adherence_list;
    if (g.request.base64) summary["images"] = images;
    std::printf("%s\n", io::json_text(summary, 2).c_str());
    if (demo) std::fprintf(stderr, "note: made with DEMO models (random weights): the pictures are noise\n");
    return kExitOk;
  } catch (const pipeline::Cancelled&) {
    std::fprintf(stderr, "generate: cancelled\n");
    return kExitFailure;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: generate: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace poseforge::cli
