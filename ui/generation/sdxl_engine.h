// SdxlEngine: the real GenerationEngine, SDXL + ControlNet + IP-Adapter through pipeline::Pipeline.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/pipeline/pipeline.h"
#include "ui/generation/generation_engine.h"

namespace poseforge::ui {

class SdxlEngine : public GenerationEngine {
 public:
  // Validates `paths` (Error listing what is missing); the models load on the first run.
  // `demo_models`: the tiny random model set (results are labelled as noise). Pose adherence is
  // measured with paths.openpose, else the body model locate_body_model() finds, when there is one.
  SdxlEngine(pipeline::ModelPaths paths, pipeline::EngineOptions options, bool demo_models);
  ~SdxlEngine() override;

  EngineInfo info() const override;
  GenerationResult generate(const pipeline::Request& request, const pipeline::Inputs& inputs,
                            const ProgressFn& progress, const std::atomic<bool>& cancel) override;

 private:
  // Fills the result's pose adherence (never throws: problems become the message).
  void measure_adherence(const pipeline::Request& request, const pipeline::Inputs& inputs, GenerationResult& out);

  struct Adherence;  // the body detector, loaded on the first measurement (worker thread only)
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  std::unique_ptr<Adherence> adherence_;
  std::string device_;
  bool demo_;
  std::atomic<bool> loaded_{false};
};

}  // namespace poseforge::ui
