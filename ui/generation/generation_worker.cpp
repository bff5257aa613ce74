// GenerationWorker: the engine call, progress callbacks turned into queued Qt signals.
#include "ui/generation/generation_worker.h"

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/pipeline/stage_error.h"
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
    // Any error (libtorch's too) ends this run with a message; the thread and the models stay usable.
    const std::string message = pipeline::readable_what(e);
    spdlog::error("generation failed: {}", message);
    if (pipeline::is_out_of_memory(e) || dynamic_cast<const pipeline::OutOfMemory*>(&e)) {
      emit out_of_memory(QString::fromStdString(message));
    }
    emit failed(QString::fromStdString(message));
  } catch (...) {
    spdlog::error("generation failed: an unknown exception was thrown");
    emit failed("an unknown exception was thrown (see the log)");
  }
}

}  // namespace poseforge::ui
