// ImageDropFilter: makes a widget a drop target for image files, file URLs and image data.
#pragma once

#include <QObject>

class QMimeData;
class QWidget;

namespace poseforge::ui {

// Installed on a widget (which it sets to accept drops): accepts drags that carry files, URLs,
// text or image data (see image_source.h), outlines the widget while a drag hovers over it, and
// emits dropped() with the drop's data. The receiver decides what it can use and says why not.
class ImageDropFilter : public QObject {
  Q_OBJECT
 public:
  explicit ImageDropFilter(QWidget* target);

 signals:
  // Emitted during the drop event: read `mime` before returning.
  void dropped(const QMimeData* mime);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void set_hover(bool hover);

  QWidget* target_;
  QString normal_style_;
  bool hover_ = false;
};

}  // namespace poseforge::ui
