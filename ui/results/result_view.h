// ResultView: the central area: the zoomable picture, a caption and the run's progress bar.
#pragma once

#include <QImage>
#include <QWidget>

#include "ui/generation/generation_engine.h"

class QLabel;
class QProgressBar;

namespace poseforge::ui {

class ZoomView;

// Object names: "ResultView" (this), "result_image" (ZoomView), "result_caption" (QLabel),
// "result_progress" (QProgressBar, text like "step 12/30 · 0.07 s/step · ETA 1.5 s").
class ResultView : public QWidget {
  Q_OBJECT
 public:
  explicit ResultView(QWidget* parent = nullptr);

  ZoomView* view() const { return view_; }
  QImage image() const;
  int previews_shown() const { return previews_; }  // previews since the last start()

  void start(int total_steps);  // a run begins: progress reset
  void show_preview(const QImage& image, int step);
  void show_progress(const Progress& progress);
  void show_result(const QImage& image, const QString& caption);  // final (or restored) picture
  void show_stopped(const QString& text);                         // cancelled or failed: the bar says so
  void set_caption(const QString& caption);
  // A label over the picture's top-left corner, e.g. "demo engine: not a model output"; empty hides it.
  void set_badge(const QString& text);

 private:
  ZoomView* view_;
  QLabel* caption_;
  QProgressBar* progress_;
  QLabel* badge_;
  int previews_ = 0;
};

// "step 12/30 · 0.07 s/step · ETA 1.5 s"
QString progress_text(const Progress& progress);

}  // namespace poseforge::ui
