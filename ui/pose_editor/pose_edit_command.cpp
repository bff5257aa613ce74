// Undo/redo of pose edits.
#include "ui/pose_editor/pose_edit_command.h"

#include "ui/pose_editor/pose_document.h"

namespace poseforge::ui {
namespace {
constexpr int kDragCommandId = 0x504f53;  // all drags share an id; the merge key tells drags apart
}

PoseEditCommand::PoseEditCommand(PoseDocument* document, const QString& text, pose::Pose before, pose::Pose after,
                                 int merge_key)
    : QUndoCommand(text),
      document_(document),
      before_(std::move(before)),
      after_(std::move(after)),
      merge_key_(merge_key) {}

void PoseEditCommand::undo() {
  document_->apply(before_);
}

void PoseEditCommand::redo() {
  document_->apply(after_);
}

int PoseEditCommand::id() const {
  return merge_key_ != 0 ? kDragCommandId : -1;
}

bool PoseEditCommand::mergeWith(const QUndoCommand* other) {
  const auto* o = dynamic_cast<const PoseEditCommand*>(other);
  if (o == nullptr || o->merge_key_ != merge_key_ || merge_key_ == 0) return false;
  after_ = o->after_;
  return true;
}

}  // namespace poseforge::ui
