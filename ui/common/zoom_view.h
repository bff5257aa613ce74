// ZoomView: a QGraphicsView showing one picture, zoomed with the wheel or +/-, panned by dragging.
#pragma once

#include <QGraphicsView>
#include <QImage>

class QGraphicsPixmapItem;

namespace poseforge::ui {

// Keeps "fit to window" until the user zooms; a new picture of the same size keeps the zoom and
// scroll position (so a preview updating every step does not jump). Keys: + / - zoom, 0 or F fits,
// 1 shows actual size.
class ZoomView : public QGraphicsView {
  Q_OBJECT
 public:
  explicit ZoomView(QWidget* parent = nullptr);

  void set_image(const QImage& image);
  QImage image() const { return image_; }
  void zoom_by(double factor);
  void fit();
  double zoom() const;  // view pixels per image pixel
  bool fitting() const { return fitting_; }

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void drawForeground(QPainter* painter, const QRectF& rect) override;  // the hint while empty

 private:
  QGraphicsPixmapItem* item_;
  QImage image_;
  bool fitting_ = true;
};

}  // namespace poseforge::ui
