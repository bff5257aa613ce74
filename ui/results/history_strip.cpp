// HistoryStrip: a horizontal icon-mode QListWidget over HistoryEntry values.
#include "ui/results/history_strip.h"

#include <QPainter>
#include <QPixmap>

namespace poseforge::ui {
namespace {

constexpr int kThumb = 112;

}  // namespace

HistoryStrip::HistoryStrip(int capacity, QWidget* parent) : QListWidget(parent), capacity_(capacity) {
  setObjectName("history_strip");
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setMovement(QListView::Static);
  setIconSize({kThumb, kThumb});
  setSpacing(4);
  setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  setMinimumHeight(kThumb + 36);
  setSelectionMode(QAbstractItemView::SingleSelection);
  connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const int r = row(item);
    if (r >= 0 && r < entries_.size()) emit restore(entries_[r]);
  });
}

void HistoryStrip::paintEvent(QPaintEvent* event) {
  QListWidget::paintEvent(event);
  if (!entries_.isEmpty()) return;
  QPainter painter(viewport());
  painter.setPen(palette().color(QPalette::PlaceholderText));
  painter.drawText(viewport()->rect(), Qt::AlignCenter,
                   "Earlier results appear here; click one to restore its settings");
}

void HistoryStrip::add(const HistoryEntry& entry) {
  const QPixmap thumb =
      QPixmap::fromImage(entry.image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation));
  auto* item = new QListWidgetItem(QIcon(thumb), QString("seed %1").arg(entry.request.seed));
  QString tip = QString::fromStdString(entry.request.a1111_parameters()).toHtmlEscaped().replace("\n", "<br>");
  if (!entry.caption.isEmpty()) tip += "<br><i>" + entry.caption.toHtmlEscaped() + "</i>";
  item->setToolTip(tip);
  insertItem(0, item);
  entries_.prepend(entry);
  while (entries_.size() > capacity_) {
    entries_.removeLast();
    delete takeItem(count() - 1);
  }
}

}  // namespace poseforge::ui
