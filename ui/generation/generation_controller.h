// GenerationController: owns the worker thread; starts, cancels and queues generation runs.
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include <QObject>
#include <QThread>

#include "ui/generation/generation_worker.h"

namespace poseforge::ui {

// UI-thread object. generate() starts a run with a copy of the request, or, while one is running,
// remembers it as the one queued re-run (a later call replaces it: the latest settings win); the
// queued request starts when the current run ends. cancel() sets the worker's flag and drops the
// queue. The destructor cancels, quits the thread and waits for it.
class GenerationController : public QObject {
  Q_OBJECT
 public:
  explicit GenerationController(std::shared_ptr<GenerationEngine> engine, QObject* parent = nullptr);
  ~GenerationController() override;

  void generate(const pipeline::Request& request, const pipeline::Inputs& inputs = {});
  void cancel();
  bool busy() const { return busy_; }
  bool has_queued() const { return queued_.has_value(); }
  EngineInfo engine_info() const { return engine_->info(); }

 signals:
  void started(const poseforge::pipeline::Request& request);
  void preview(const QImage& image, int step);
  void progress(const poseforge::ui::Progress& progress);
  void finished(const poseforge::ui::FinishedRun& run);
  void cancelled(const poseforge::ui::FinishedRun& run);
  void failed(const QString& message);
  void out_of_memory(const QString& message);  // before failed(): the main window offers low-VRAM mode
  void queued_changed(bool queued);
  void busy_changed(bool busy);

 private:
  void start(const pipeline::Request& request, const pipeline::Inputs& inputs);
  void run_ended();

  std::shared_ptr<GenerationEngine> engine_;
  std::atomic<bool> cancel_{false};
  QThread thread_;
  GenerationWorker* worker_ = nullptr;  // owned by thread_ (deleted on its finish)
  bool busy_ = false;
  std::optional<std::pair<pipeline::Request, pipeline::Inputs>> queued_;
};

}  // namespace poseforge::ui
