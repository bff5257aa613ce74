// `poseforge-cli info`: version, libtorch, CUDA, and which models were found (with what is missing).
#include <cstdio>

#include <torch/torch.h>

#include "app/cli_args.h"
#include "app/cli_commands.h"
#include "core/pipeline/cuda_info.h"
#include "core/pipeline/demo_models.h"
#include "core/pipeline/model_files.h"
#include "core/pipeline/model_paths.h"

namespace poseforge::cli {
namespace {

void print_path(const char* what, const std::filesystem::path& p) {
  std::error_code ec;
  const char* state = p.empty() ? "not found" : std::filesystem::exists(p, ec) ? "" : " (missing)";
  std::printf("  %-22s %s%s\n", what, p.empty() ? "" : p.string().c_str(), state);
}

// "  checkpoints (2):  a.safetensors, b.ckpt" (paths relative to the folder).
void print_files(const char* what, const std::filesystem::path& folder) {
  if (folder.empty()) return;
  const auto files = pipeline::list_model_files(folder);
  std::string names;
  std::error_code ec;
  for (const auto& f : files) names += (names.empty() ? "" : ", ") + std::filesystem::relative(f, folder, ec).string();
  std::printf("  %-22s %s (%zu)%s%s\n", what, folder.string().c_str(), files.size(), files.empty() ? "" : ": ",
              names.c_str());
}

}  // namespace

const char* info_usage() {
  return "  info [--models DIR]\n"
         "              show the version, libtorch, CUDA devices and the models found under DIR\n"
         "              (default: $POSEFORGE_MODELS or the user data folder's models/)\n";
}

int run_info(const std::vector<std::string>& args) {
  std::filesystem::path root;
  try {
    ArgReader a(args);
    while (a.next()) {
      if (a.is("--models")) {
        root = a.value();
      } else {
        a.unknown();
      }
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: info: %s\nusage:\n%s", e.what(), info_usage());
    return kExitUsage;
  }
  if (root.empty()) root = pipeline::default_models_root();

  std::printf("PoseForge %s\n", POSEFORGE_VERSION);
  std::printf("libtorch %s (%s), built with %s\n", TORCH_VERSION, POSEFORGE_TORCH_DIR, POSEFORGE_TORCH_CUDA);
  const bool cuda = torch::cuda::is_available();
  std::printf("CUDA: %s\n", cuda ? "available" : "not available (running on the CPU)");
  if (cuda) {
    const int n = static_cast<int>(torch::cuda::device_count());
    std::printf("CUDA devices: %d\n", n);
    for (int i = 0; i < n; ++i) {
      std::printf("  cuda:%d %s\n", i,
                  pipeline::gpu_name(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(i))).c_str());
    }
  } else if (const auto gpu = pipeline::gpu_name(torch::Device(torch::kCUDA, 0)); !gpu.empty()) {
    std::printf("GPU: %s, not used: this build's libtorch has no CUDA (scripts/get-libtorch.sh, then scripts/run.sh)\n",
                gpu.c_str());
  }

  const pipeline::ModelPaths paths = pipeline::ModelPaths::discover(root);
  std::printf("models: %s\n", root.string().c_str());
  print_path("SDXL", paths.sdxl);
  print_path("ControlNet (OpenPose)", paths.controlnet);
  print_path("IP-Adapter", paths.ip_adapter);
  print_path("image encoder", paths.image_encoder);
  print_path("OpenPose body model", paths.openpose);
  if (!paths.checkpoint.empty()) print_path("checkpoint", paths.checkpoint);
  print_files("checkpoints", paths.checkpoints_dir);
  print_files("LoRAs", paths.loras_dir);
  print_files("VAEs", paths.vae_dir);
  if (pipeline::is_demo_model_set(paths)) {
    std::printf("these are DEMO models (random weights): pictures made with them are noise\n");
  }
  const auto problems = paths.problems();
  if (problems.empty()) {
    std::printf("all models found\n");
  } else {
    std::printf(
        "missing or incomplete (see models/README.md; `poseforge-cli make-demo-models DIR` makes a tiny test set):\n");
    for (const auto& p : problems) std::printf("  - %s\n", p.c_str());
  }
  return kExitOk;
}

}  // namespace poseforge::cli
