// One generation in a MainWindow, waiting for its finished or failed signal (GUI tests).
#pragma once

#include <QEventLoop>
#include <QSignalSpy>
#include <QString>
#include <QTimer>

#include "ui/generation/generation_controller.h"
#include "ui/generation/generation_worker.h"
#include "ui/window/main_window.h"

namespace poseforge::test {

struct RunEnd {
  bool finished = false;  // exactly one finished signal
  bool failed = false;    // a failed signal came
  QString failure;        // its message
  ui::FinishedRun run;    // when finished
  int previews = 0;       // preview signals during the run
};

// Starts a generation and runs the event loop until it finishes or fails (or 120 s pass).
inline RunEnd run_once(ui::MainWindow& window) {
  auto* generation = window.generation();
  QSignalSpy previews(generation, &ui::GenerationController::preview);
  QSignalSpy finished(generation, &ui::GenerationController::finished);
  QSignalSpy failed(generation, &ui::GenerationController::failed);
  QEventLoop loop;
  QObject::connect(generation, &ui::GenerationController::finished, &loop, &QEventLoop::quit);
  QObject::connect(generation, &ui::GenerationController::failed, &loop, &QEventLoop::quit);
  QTimer::singleShot(120000, &loop, &QEventLoop::quit);
  window.generate();
  loop.exec();
  RunEnd end;
  end.finished = finished.count() == 1;
  if (end.finished) end.run = finished.at(0).at(0).value<ui::FinishedRun>();
  end.failed = !failed.isEmpty();
  if (end.failed) end.failure = failed.at(0).at(0).toString();
  end.previews = static_cast<int>(previews.count());
  return end;
}

}  // namespace poseforge::test
