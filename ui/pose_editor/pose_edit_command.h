// PoseEditCommand: one undoable change of the pose document, kept as the pose before and after.
#pragma once

#include <QUndoCommand>

#include "core/pose/pose.h"

namespace poseforge::ui {

class PoseDocument;

// A pose is a few hundred numbers, so a command stores whole poses rather than a diff. Commands
// with the same non-zero merge key (one mouse drag) merge into one undo step.
class PoseEditCommand : public QUndoCommand {
 public:
  PoseEditCommand(PoseDocument* document, const QString& text, pose::Pose before, pose::Pose after, int merge_key = 0);

  void undo() override;
  void redo() override;
  int id() const override;
  bool mergeWith(const QUndoCommand* other) override;

 private:
  PoseDocument* document_;
  pose::Pose before_;
  pose::Pose after_;
  int merge_key_;
};

}  // namespace poseforge::ui
