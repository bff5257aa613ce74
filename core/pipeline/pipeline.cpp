// Pipeline: the engine boundary; a thin layer over PipelineEngine that returns 8-bit images.
#include "core/pipeline/pipeline.h"

#include <chrono>

#include <torch/torch.h>

#include "core/pipeline/image_tensor.h"
#include "core/pipeline/pipeline_engine.h"
#include "core/pipeline/stage_error.h"

namespace poseforge::pipeline {

struct Pipeline::State {
  State(ModelPaths paths, EngineOptions options) : engine(std::move(paths), std::move(options)) {}
  PipelineEngine engine;
};

Pipeline::Pipeline(ModelPaths paths, EngineOptions options)
    : state_(std::make_unique<State>(std::move(paths), std::move(options))) {}

Pipeline::~Pipeline() = default;

void Pipeline::load() {
  run_stage("loading the models", [&] { state_->engine.load(); });
}

bool Pipeline::loaded() const {
  return state_->engine.loaded();
}

Result Pipeline::generate(const Request& request, const Inputs& inputs, const ProgressFn& progress,
                          const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  EngineOutput out = run_stage("generating", [&] { return state_->engine.run(request, inputs, progress, cancel); });
  Result result;
  for (std::int64_t s = 0; s < out.images.size(0); ++s) result.images.push_back(unit_hwc_to_image(out.images[s]));
  result.request = request;
  result.request.seed = out.seeds.front();
  result.seeds = std::move(out.seeds);
  result.step_seconds = std::move(out.step_seconds);
  result.sigmas = std::move(out.sigmas);
  result.device = state_->engine.device_description();
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.notes = std::move(out.notes);
  return result;
}

void Pipeline::set_previews(const PreviewOptions& previews) {
  state_->engine.set_previews(previews);
}

std::string Pipeline::device_description() const {
  return state_->engine.device_description();
}

const ModelPaths& Pipeline::paths() const {
  return state_->engine.paths();
}

}  // namespace poseforge::pipeline
