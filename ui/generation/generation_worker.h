// GenerationWorker: runs a GenerationEngine in its own QThread and reports through signals.
#pragma once

#include <atomic>
#include <memory>

#include <QImage>
#include <QList>
#include <QObject>

#include "ui/generation/generation_engine.h"

namespace poseforge::ui {

// A finished run as the UI receives it: the engine's result (its images moved out) plus the images
// already converted to QImage in the worker thread.
struct FinishedRun {
  GenerationResult result;
  QList<QImage> images;
};

// Lives in a worker thread (moveToThread); run() is invoked there with a copied Request and inputs. The cancel
// flag is owned by the GenerationController, which sets it from the UI thread.
class GenerationWorker : public QObject {
  Q_OBJECT
 public:
  GenerationWorker(std::shared_ptr<GenerationEngine> engine, const std::atomic<bool>* cancel);

 public slots:
  void run(const poseforge::pipeline::Request& request, const poseforge::pipeline::Inputs& inputs);

 signals:
  void preview(const QImage& image, int step);
  void progress(const poseforge::ui::Progress& progress);  // without its preview image
  void finished(const poseforge::ui::FinishedRun& run);
  void cancelled(const poseforge::ui::FinishedRun& run);  // stopped by the flag; steps done so far
  void failed(const QString& message);
  void out_of_memory(const QString& message);  // just before failed() when the run ran out of memory

 private:
  std::shared_ptr<GenerationEngine> engine_;
  const std::atomic<bool>* cancel_;
};

}  // namespace poseforge::ui

Q_DECLARE_METATYPE(poseforge::pipeline::Request)
Q_DECLARE_METATYPE(poseforge::ui::Progress)
Q_DECLARE_METATYPE(poseforge::ui::FinishedRun)
