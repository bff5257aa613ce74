// Drag-and-drop handling shared by the input panels.
#include "ui/common/image_drop_filter.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QWidget>

#include "ui/common/image_source.h"

namespace poseforge::ui {

ImageDropFilter::ImageDropFilter(QWidget* target) : QObject(target), target_(target) {
  target_->setAcceptDrops(true);
  target_->installEventFilter(this);
}

void ImageDropFilter::set_hover(bool hover) {
  if (hover == hover_) return;
  hover_ = hover;
  if (hover) {
    normal_style_ = target_->styleSheet();
    target_->setStyleSheet(normal_style_ +
                           QString(" #%1 { border: 2px solid palette(highlight); }").arg(target_->objectName()));
  } else {
    target_->setStyleSheet(normal_style_);
  }
}

bool ImageDropFilter::eventFilter(QObject* watched, QEvent* event) {
  if (watched != target_) return false;
  switch (event->type()) {
    case QEvent::DragEnter: {
      auto* drag = static_cast<QDragEnterEvent*>(event);
      if (!mime_has_input(drag->mimeData())) return false;
      drag->acceptProposedAction();
      set_hover(true);
      return true;
    }
    case QEvent::DragMove: static_cast<QDragMoveEvent*>(event)->acceptProposedAction(); return true;
    case QEvent::DragLeave: set_hover(false); return true;
    case QEvent::Drop: {
      auto* drop = static_cast<QDropEvent*>(event);
      set_hover(false);
      drop->acceptProposedAction();
      emit dropped(drop->mimeData());
      return true;
    }
    default: return false;
  }
}

}  // namespace poseforge::ui
