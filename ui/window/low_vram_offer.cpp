// The out-of-memory message box with its "Turn on low-VRAM mode" button.
#include "ui/window/low_vram_offer.h"

#include <QPushButton>

namespace poseforge::ui {

QMessageBox* offer_low_vram_mode(QWidget* parent, const QString& message, bool low_vram_on,
                                 std::function<void()> turn_on) {
  auto* box =
      new QMessageBox(QMessageBox::Warning, "PoseForge: out of GPU memory", QString(), QMessageBox::NoButton, parent);
  box->setObjectName("low_vram_offer");
  box->setAttribute(Qt::WA_DeleteOnClose);
  const QString kept = "Your pose edits, inputs and earlier results are kept; the models stay loaded.";
  if (low_vram_on) {
    box->setText("The run ran out of memory although low-VRAM mode is on.\n\n" + kept +
                 "\n\nTry Settings > GPU memory > Minimal (only the running model on the GPU: about 7 GiB for "
                 "SDXL at 1024x1024, steps about 4x slower), a smaller width and height, or fewer samples.");
    box->addButton(QMessageBox::Close);
  } else {
    box->setText("The run ran out of memory.\n\n" + kept +
                 "\n\nLow-VRAM mode keeps the text and image encoders in host memory between prompts and the "
                 "ControlNet between runs, and decodes in tiles: about 9 GiB for SDXL at 1024x1024 instead of 14, "
                 "steps about 15% slower (the models load again on the next run). Settings > GPU memory has "
                 "Minimal for 6-8 GB cards.");
    auto* on = box->addButton("Turn on low-VRAM mode", QMessageBox::AcceptRole);
    on->setObjectName("turn_on_low_vram");
    QObject::connect(on, &QPushButton::clicked, box, [turn_on = std::move(turn_on)] {
      if (turn_on) turn_on();
    });
    box->addButton(QMessageBox::Close);
  }
  box->setDetailedText(message);
  box->open();
  return box;
}

}  // namespace poseforge::ui
