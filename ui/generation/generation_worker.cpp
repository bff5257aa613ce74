// GenerationWorker: the engine call, progress callbacks turned into queued Qt signals.
#include "ui/generation/generation_worker.h"

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "ui/common/image_convert.h"

namespace poseforge::ui {

GenerationWorker::GenerationWorker(std::shared_ptr<GenerationEngine> engine, const std::atomic<bool>* cancel)
    : engine_(std::move(engine)), cancel_(cancel) {}

void GenerationWorker::run(const pipeline::Request& request, const pipeline::Inputs& inputs) {
  try {
    GenerationResult result = engine_->generate(
        request, inputs,
        [this](const Progress& p) {
          if (p.preview) emit preview(to_qimage(*p.preview), p.step);
          Progress plain = p;
          plain.preview.reset();
          emit progress(plain);
        },
        *cancel_);
    FinishedRun run;
    for (const auto& image : result.images) run.images.append(to_qimage(image));
    result.images.clear();
    run.result = std::move(result);
    if (run.result.cancelled) {
      emit cancelled(run);
    } else {
      emit finished(run);
    }
  } catch (const std::exception& e) {
    spdlog::error("generation failed: {}", e.what());
    emit failed(QString::fromStdString(e.what()));
  }
}

}  // namespace poseforge::ui
