// The offer the main window shows when a run ran out of GPU memory: what happened, and a button that
// turns on low-VRAM mode. The pose edits, the inputs and the results stay as they were.
#pragma once

#include <functional>

#include <QMessageBox>
#include <QString>

namespace poseforge::ui {

// A non-blocking message box (open(), deleted on close; objectName "low_vram_offer") showing `message`.
// When `low_vram_on` is false it has a "Turn on low-VRAM mode" button (objectName "turn_on_low_vram")
// that calls `turn_on`; when it is already on, it suggests a smaller size or fewer samples instead.
QMessageBox* offer_low_vram_mode(QWidget* parent, const QString& message, bool low_vram_on,
                                 std::function<void()> turn_on);

}  // namespace poseforge::ui
