// The pose panel's tools: body / hands / face toggles and the whole-pose tools menu entries.
#pragma once

#include <functional>

#include <QSize>
#include <QString>

class QMenu;
class QWidget;

namespace poseforge::ui {

class PoseDocument;

// Three checkable buttons (objectNames ShowBody, ShowHands, ShowFace) that set the document's shown
// parts: what the canvas shows and edits and what the control image draws.
QWidget* make_part_toggles(PoseDocument* document, QWidget* parent);

// "Flip horizontally", "Fit to output size: crop / pad" (for the size `output` returns) added to `menu`;
// `report` gets a line saying what was done or why not.
void add_pose_tools(QMenu* menu, PoseDocument* document, std::function<QSize()> output,
                    std::function<void(const QString&, bool problem)> report);

}  // namespace poseforge::ui
