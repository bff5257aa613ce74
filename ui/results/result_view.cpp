// ResultView: ZoomView above a caption line and a progress bar.
#include "ui/results/result_view.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include "ui/common/zoom_view.h"

namespace poseforge::ui {

QString progress_text(const Progress& p) {
  auto seconds = [](double s) { return s < 10 ? QString::number(s, 'f', s < 1 ? 2 : 1) : QString::number(s, 'f', 0); };
  return QString("step %1/%2 · %3 s/step · ETA %4 s")
      .arg(p.step)
      .arg(p.total)
      .arg(seconds(p.seconds_per_step), seconds(p.eta_s));
}

ResultView::ResultView(QWidget* parent)
    : QWidget(parent),
      view_(new ZoomView),
      caption_(new QLabel),
      progress_(new QProgressBar),
      badge_(new QLabel(view_)) {
  setObjectName("ResultView");
  view_->setObjectName("result_image");
  caption_->setObjectName("result_caption");
  caption_->setWordWrap(true);
  caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  caption_->setText("Press Generate (Ctrl+Enter) to make a picture. Wheel or +/- zooms, drag pans, F fits.");
  progress_->setObjectName("result_progress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat("idle");
  progress_->setTextVisible(true);
  badge_->setObjectName("engine_badge");
  badge_->setStyleSheet(
      "QLabel { background: rgba(192, 106, 0, 220); color: white; font-weight: bold; padding: 3px 8px; "
      "border-radius: 3px; }");
  badge_->move(8, 8);
  badge_->hide();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 4);
  layout->addWidget(view_, 1);
  layout->addWidget(caption_);
  layout->addWidget(progress_);
}

QImage ResultView::image() const {
  return view_->image();
}

void ResultView::start(int total_steps) {
  previews_ = 0;
  progress_->setRange(0, total_steps);
  progress_->setValue(0);
  progress_->setFormat(QString("starting… (%1 steps)").arg(total_steps));
}

void ResultView::show_preview(const QImage& image, int step) {
  ++previews_;
  view_->set_image(image);
}

void ResultView::show_progress(const Progress& p) {
  progress_->setRange(0, p.total);
  progress_->setValue(p.step);
  progress_->setFormat(progress_text(p));
}

void ResultView::show_result(const QImage& image, const QString& caption) {
  view_->set_image(image);
  progress_->setValue(progress_->maximum());
  set_caption(caption);
}

void ResultView::show_stopped(const QString& text) {
  progress_->setFormat(text);
}

void ResultView::set_badge(const QString& text) {
  badge_->setText(text);
  badge_->adjustSize();
  badge_->setVisible(!text.isEmpty());
  badge_->raise();
}

void ResultView::set_caption(const QString& caption) {
  caption_->setText(caption);
}

}  // namespace poseforge::ui
