// Pieces both input panels (pose reference, image prompts) are built from: message line, paste action.
#pragma once

#include <QString>

class QAction;
class QLabel;
class QToolBar;
class QWidget;

namespace poseforge::ui {

// A word-wrapped, selectable message line under a panel, hidden while empty.
QLabel* make_message_line(const QString& object_name, QWidget* parent);
// Shows `text` (hides the line when empty); problems are drawn in a warning colour.
void set_message(QLabel* line, const QString& text, bool problem);

// A "Paste" button on `bar` whose Ctrl+V works anywhere inside `panel` (and only there, so other
// panels keep their own paste). Connect its triggered() signal.
QAction* add_paste_action(QWidget* panel, QToolBar* bar, const QString& tooltip);

}  // namespace poseforge::ui
