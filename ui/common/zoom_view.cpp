// ZoomView: scale transforms anchored under the mouse; ScrollHandDrag for panning.
#include "ui/common/zoom_view.h"

#include <algorithm>
#include <cmath>

#include <QGraphicsPixmapItem>
#include <QKeyEvent>
#include <QPainter>
#include <QWheelEvent>

namespace poseforge::ui {

ZoomView::ZoomView(QWidget* parent) : QGraphicsView(parent), item_(new QGraphicsPixmapItem) {
  setScene(new QGraphicsScene(this));
  scene()->addItem(item_);
  item_->setTransformationMode(Qt::SmoothTransformation);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setRenderHint(QPainter::SmoothPixmapTransform);
  setBackgroundBrush(QColor(0x2b, 0x2b, 0x2b));
  setFrameShape(QFrame::NoFrame);
  setFocusPolicy(Qt::StrongFocus);
}

void ZoomView::set_image(const QImage& image) {
  const bool same_size = image.size() == image_.size();
  image_ = image;
  item_->setPixmap(QPixmap::fromImage(image));
  if (!same_size) scene()->setSceneRect(item_->boundingRect());
  if (fitting_ || !same_size) fit();
}

double ZoomView::zoom() const {
  return transform().m11();
}

void ZoomView::zoom_by(double factor) {
  const double target = std::clamp(zoom() * factor, 0.02, 32.0);
  scale(target / zoom(), target / zoom());
  fitting_ = false;
}

void ZoomView::fit() {
  fitting_ = true;
  if (image_.isNull()) return;
  fitInView(item_, Qt::KeepAspectRatio);
}

void ZoomView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0) return;
  zoom_by(std::pow(1.15, steps));
  event->accept();
}

void ZoomView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoom_by(1.25); break;
    case Qt::Key_Minus: zoom_by(1 / 1.25); break;
    case Qt::Key_0:
    case Qt::Key_F: fit(); break;
    case Qt::Key_1: zoom_by(1.0 / zoom()); break;
    default: QGraphicsView::keyPressEvent(event); return;
  }
  event->accept();
}

void ZoomView::drawForeground(QPainter* painter, const QRectF& rect) {
  if (!image_.isNull()) return;
  painter->save();
  painter->resetTransform();
  painter->setPen(QColor(0x9a, 0x9a, 0x9a));
  painter->drawText(viewport()->rect(), Qt::AlignCenter,
                    "No picture yet\nGenerate (Ctrl+Enter) or drop a PoseForge PNG here");
  painter->restore();
}

void ZoomView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  if (fitting_) fit();
}

}  // namespace poseforge::ui
