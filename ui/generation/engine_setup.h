// Choosing the app's engine at start: the SDXL pipeline on the models found, else the demo engine.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/pipeline/pipeline.h"
#include "ui/generation/demo_engine.h"
#include "ui/generation/generation_engine.h"

namespace poseforge::ui {

struct EngineChoice {
  std::shared_ptr<GenerationEngine> engine;
  std::string message;  // what was chosen and why (missing models listed), for the status bar and log
  bool models_found = false;
};

// ModelPaths::discover(models_root): when SDXL + ControlNet (+ the IP-Adapter and its encoder, when
// present) are complete, an SdxlEngine on them (demo model sets are labelled); otherwise the demo
// engine, with a message that lists what is missing and how to get it. Never throws.
EngineChoice choose_engine(const std::filesystem::path& models_root, const pipeline::EngineOptions& options = {},
                           const DemoEngineOptions& demo_options = {});

}  // namespace poseforge::ui
