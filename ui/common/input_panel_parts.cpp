// Shared pieces of the input panels.
#include "ui/common/input_panel_parts.h"

#include <QAction>
#include <QLabel>
#include <QToolBar>

namespace poseforge::ui {

QLabel* make_message_line(const QString& object_name, QWidget* parent) {
  auto* line = new QLabel(parent);
  line->setObjectName(object_name);
  line->setWordWrap(true);
  line->setTextInteractionFlags(Qt::TextSelectableByMouse);
  line->hide();
  return line;
}

void set_message(QLabel* line, const QString& text, bool problem) {
  line->setText(text);
  line->setStyleSheet(problem ? "QLabel { color: #e0a030; }" : "");
  line->setVisible(!text.isEmpty());
}

QAction* add_paste_action(QWidget* panel, QToolBar* bar, const QString& tooltip) {
  QAction* paste = bar->addAction("Paste");
  paste->setShortcut(QKeySequence::Paste);
  paste->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  paste->setToolTip(tooltip + " (Ctrl+V)");
  panel->addAction(paste);
  return paste;
}

}  // namespace poseforge::ui
