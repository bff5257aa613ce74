// GenerationController: one worker thread, one run at a time, one queued re-run.
#include "ui/generation/generation_controller.h"

#include <spdlog/spdlog.h>

namespace poseforge::ui {

GenerationController::GenerationController(std::shared_ptr<GenerationEngine> engine, QObject* parent)
    : QObject(parent), engine_(std::move(engine)) {
  qRegisterMetaType<pipeline::Request>();
  qRegisterMetaType<Progress>();
  qRegisterMetaType<FinishedRun>();
  thread_.setObjectName("generation");
  worker_ = new GenerationWorker(engine_, &cancel_);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &GenerationWorker::preview, this, &GenerationController::preview);
  connect(worker_, &GenerationWorker::progress, this, &GenerationController::progress);
  connect(worker_, &GenerationWorker::out_of_memory, this, &GenerationController::out_of_memory);
  connect(worker_, &GenerationWorker::finished, this, [this](const FinishedRun& run) {
    emit finished(run);
    run_ended();
  });
  connect(worker_, &GenerationWorker::cancelled, this, [this](const FinishedRun& run) {
    emit cancelled(run);
    run_ended();
  });
  connect(worker_, &GenerationWorker::failed, this, [this](const QString& message) {
    emit failed(message);
    run_ended();
  });
  thread_.start();
}

GenerationController::~GenerationController() {
  queued_.reset();
  cancel_ = true;
  thread_.quit();
  thread_.wait();
}

void GenerationController::generate(const pipeline::Request& request, const pipeline::Inputs& inputs) {
  if (!busy_) {
    start(request, inputs);
    return;
  }
  queued_ = std::make_pair(request, inputs);
  spdlog::debug("generation queued: it starts when the current run ends");
  emit queued_changed(true);
}

void GenerationController::cancel() {
  if (queued_) {
    queued_.reset();
    emit queued_changed(false);
  }
  if (busy_) cancel_ = true;
}

void GenerationController::start(const pipeline::Request& request, const pipeline::Inputs& inputs) {
  cancel_ = false;  // reset here, in the UI thread, so a cancel() right after start() is never lost
  busy_ = true;
  emit busy_changed(true);
  emit started(request);
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, request, inputs] { worker->run(request, inputs); }, Qt::QueuedConnection);
}

void GenerationController::run_ended() {
  busy_ = false;
  if (queued_) {
    const auto next = std::move(*queued_);
    queued_.reset();
    emit queued_changed(false);
    start(next.first, next.second);
    return;
  }
  emit busy_changed(false);
}

}  // namespace poseforge::ui
