// choose_engine: models found -> SdxlEngine, else DemoEngine with an explanation.
#include "ui/generation/engine_setup.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/pipeline/stage_error.h"
#include "ui/generation/sdxl_engine.h"

namespace poseforge::ui {

EngineChoice choose_engine(const std::filesystem::path& models_root, const pipeline::EngineOptions& options,
                           const DemoEngineOptions& demo_options) {
  EngineChoice choice;
  const auto paths = pipeline::ModelPaths::discover(models_root);
  // The pose detector is not needed to generate (a pose can be drawn or loaded as JSON).
  const auto problems = paths.problems(/*need_ip_adapter=*/!paths.ip_adapter.empty(), /*need_openpose=*/false);
  if (problems.empty()) {
    try {
      const bool demo = pipeline::is_demo_model_set(paths);
      choice.engine = std::make_shared<SdxlEngine>(paths, options, demo);
      choice.models_found = true;
      choice.message = fmt::format("{} in {}", demo ? "demo models (random weights: pictures are noise)" : "models",
                                   models_root.string());
      spdlog::info("engine: SDXL pipeline on {}", choice.message);
      return choice;
    } catch (const std::exception& e) {
      choice.message = fmt::format("models in {} cannot be used: {}", models_root.string(), pipeline::readable_what(e));
    }
  } else {
    choice.message = fmt::format("no usable models in {}:", models_root.string());
    for (const auto& p : problems) choice.message += "\n  - " + p;
  }
  choice.message +=
      "\nRunning the demo engine (seeded noise, not a model). Get the models with models/download.sh "
      "(see models/README.md), or make tiny demo models with `poseforge-cli make-demo-models DIR` and start "
      "with --models DIR.";
  spdlog::warn("{}", choice.message);
  choice.engine = std::make_shared<DemoEngine>(demo_options);
  return choice;
}

}  // namespace poseforge::ui
