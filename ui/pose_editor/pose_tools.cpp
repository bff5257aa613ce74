// Part toggles and whole-pose tools for the pose panel.
#include "ui/pose_editor/pose_tools.h"

#include <QHBoxLayout>
#include <QMenu>
#include <QSize>
#include <QToolButton>

#include "core/error.h"
#include "ui/pose_editor/pose_document.h"

namespace poseforge::ui {

QWidget* make_part_toggles(PoseDocument* document, QWidget* parent) {
  auto* row = new QWidget(parent);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  struct Toggle {
    const char* name;
    const char* tip;
    bool pose::DrawParts::*field;
  };
  const Toggle toggles[] = {
      {"Body", "Show, edit and draw into the control image the bodies", &pose::DrawParts::body},
      {"Hands",
       "Show, edit and draw the hands (21 points each). The detector finds bodies only: hands come "
       "from an imported pose JSON",
       &pose::DrawParts::hands},
      {"Face",
       "Show, edit and draw the faces (70 points). The detector finds bodies only: faces come from an "
       "imported pose JSON",
       &pose::DrawParts::face},
  };
  for (const Toggle& t : toggles) {
    auto* button = new QToolButton(row);
    button->setText(t.name);
    button->setObjectName(QString("Show") + t.name);
    button->setToolTip(t.tip);
    button->setCheckable(true);
    button->setChecked(document->shown_parts().*t.field);
    layout->addWidget(button);
    QObject::connect(document, &PoseDocument::parts_changed, button,
                     [button, document, field = t.field] { button->setChecked(document->shown_parts().*field); });
    QObject::connect(button, &QToolButton::toggled, row, [document, field = t.field](bool on) {
      pose::DrawParts parts = document->shown_parts();
      parts.*field = on;
      document->set_shown_parts(parts);
    });
  }
  return row;
}

void add_pose_tools(QMenu* menu, PoseDocument* document, std::function<QSize()> output,
                    std::function<void(const QString&, bool)> report) {
  menu->addAction("Flip horizontally", menu, [document, report] {
    document->flip_horizontal();
    report("Flipped the pose left to right (left and right joints, hands and face swapped).", false);
  });
  for (const pose::FitMode mode : {pose::FitMode::Crop, pose::FitMode::Pad}) {
    const bool crop = mode == pose::FitMode::Crop;
    QAction* action = menu->addAction(crop ? "Fit to output size (crop)" : "Fit to output size (pad)", menu,
                                      [document, output, report, mode, crop] {
                                        const QSize size = output();
                                        try {
                                          const int cut = document->fit_to_size(size.width(), size.height(), mode);
                                          report(QString("Fitted the pose to %1x%2 (%3)%4; the photo shows how.")
                                                     .arg(size.width())
                                                     .arg(size.height())
                                                     .arg(crop ? "cropped" : "padded")
                                                     .arg(cut ? QString(", %1 points cut off").arg(cut) : ""),
                                                 false);
                                        } catch (const Error& e) {
                                          report(QString("Cannot fit the pose: %1").arg(e.what()), true);
                                        }
                                      });
    action->setObjectName(crop ? "FitCrop" : "FitPad");
  }
}

}  // namespace poseforge::ui
