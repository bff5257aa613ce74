// SdxlEngine: adapts pipeline::Pipeline's progress and results to the app's engine boundary.
#include "ui/generation/sdxl_engine.h"

#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

// libtorch names a member slots(); Qt's keyword macro (from the precompiled <QtWidgets>) must not see it.
#pragma push_macro("slots")
#undef slots
#include <torch/cuda.h>

#include "core/pose/detector.h"
#include "core/pose/pose_adherence.h"
#pragma pop_macro("slots")

#include "ui/pose_editor/pose_detection.h"

namespace poseforge::ui {

struct SdxlEngine::Adherence {
  std::filesystem::path body_model;  // empty: adherence is not measured
  std::string device;                // the engine's device setting ("auto", "cpu", "cuda:N")
  std::string missing;               // why, when body_model is empty
  std::optional<pose::BodyDetector> detector;
};

SdxlEngine::SdxlEngine(pipeline::ModelPaths paths, pipeline::EngineOptions options, bool demo_models)
    : adherence_(std::make_unique<Adherence>()), demo_(demo_models) {
  adherence_->body_model = paths.openpose;
  adherence_->device = options.device;
  if (adherence_->body_model.empty()) {
    const BodyModelLocation found = locate_body_model();
    adherence_->body_model = found.path.toStdString();
    adherence_->missing = "pose adherence not measured: no OpenPose body model (see models/README.md)";
  }
  pipeline_ = std::make_unique<pipeline::Pipeline>(std::move(paths), std::move(options));
  device_ = pipeline_->device_description();
}

SdxlEngine::~SdxlEngine() = default;

EngineInfo SdxlEngine::info() const {
  EngineInfo info;
  info.name = demo_ ? "SDXL pipeline (demo models)" : "SDXL pipeline";
  info.device = device_;
  info.model_state = loaded_ ? (demo_ ? "demo models loaded (random weights: pictures are noise)"
                                      : "SDXL + ControlNet + IP-Adapter loaded")
                             : "models load on the first run";
  info.demo = demo_;
  info.badge = "demo models: random weights, the picture is noise";
  return info;
}

GenerationResult SdxlEngine::generate(const pipeline::Request& request, const pipeline::Inputs& inputs,
                                      const ProgressFn& progress, const std::atomic<bool>& cancel) {
  GenerationResult out;
  out.request = request;
  std::vector<double> seconds;
  auto on_progress = [&](const pipeline::Progress& p) {
    Progress ui;
    ui.step = p.step;
    ui.total = p.steps;
    ui.elapsed_s = p.elapsed_s;
    ui.seconds_per_step = p.seconds_per_step;
    ui.eta_s = p.eta_s;
    ui.sigma = p.sigma;
    ui.preview = p.preview;
    if (progress) progress(ui);
  };
  try {
    pipeline::Result result = pipeline_->generate(request, inputs, on_progress, &cancel);
    loaded_ = true;
    out.images = std::move(result.images);
    out.request = result.request;
    out.step_seconds = std::move(result.step_seconds);
    out.sigmas = std::move(result.sigmas);
    if (demo_) out.note = "demo models: random weights, the picture is noise";
    for (const auto& note : result.notes) out.note += (out.note.empty() ? "" : "; ") + note;
  } catch (const pipeline::Cancelled&) {
    loaded_ = pipeline_->loaded();
    out.cancelled = true;
    return out;
  }
  measure_adherence(out.request, inputs, out);
  return out;
}

void SdxlEngine::measure_adherence(const pipeline::Request& request, const pipeline::Inputs& inputs,
                                   GenerationResult& out) {
  if (out.images.empty()) return;
  if (!inputs.pose || inputs.pose->empty()) {
    out.pose_message = "pose adherence not measured: the run had no pose to compare with";
    return;
  }
  if (adherence_->body_model.empty()) {
    out.pose_message = adherence_->missing;
    return;
  }
  try {
    if (!adherence_->detector) {
      // Where the pipeline runs (the pipeline has checked the device name already).
      const torch::Device device = adherence_->device == "auto"
                                       ? (torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU))
                                       : torch::Device(adherence_->device);
      adherence_->detector.emplace(pose::BodyDetector::load(adherence_->body_model, device, torch::kFloat32));
    }
    pose::AdherenceSettings settings;
    settings.controlnet_scale = request.controlnet_scale;
    settings.ip_adapter_scale = request.ip_adapter_scale;
    settings.image_prompts = !inputs.image_prompts.empty();
    settings.control_start = request.control_start;
    settings.control_end = request.control_end;
    // The first image is scored (the caption of each sample shows it).
    const pose::PoseAdherence a = pose::check_pose_adherence(*adherence_->detector, out.images.front(), *inputs.pose, settings);
    if (a.checked) out.pose_adherence = a.score;
    out.pose_message = a.message;
    out.detected_pose = a.detected;
  } catch (const std::exception& e) {
    out.pose_message = fmt::format("pose adherence not measured: {}", e.what());
    spdlog::warn("{}", out.pose_message);
  }
}

}  // namespace poseforge::ui
