// MainWindow: the image-prompt mask painter over the pose reference.
#include "ui/window/main_window.h"

#include <QFileInfo>

#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/image_prompts/image_prompt_row.h"
#include "ui/image_prompts/mask_paint_dialog.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/pose_editor/pose_reference_image.h"

namespace poseforge::ui {

MaskPaintDialog* MainWindow::open_mask_painter(int index) {
  ImagePromptRow* row = image_prompt_panel_->row(index);
  if (!row) return nullptr;
  const QImage background = pose_reference_image(*pose_panel_->document());
  const QImage current = row->mask().ok() ? row->mask().image : QImage();
  const QString title =
      QString("Region of image prompt %1 (%2)").arg(index + 1).arg(QFileInfo(row->image().path).fileName());
  auto* dialog = new MaskPaintDialog(background, current, title, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this,
          [this, dialog, index] { image_prompt_panel_->set_mask_image(index, dialog->mask()); });
  dialog->open();
  return dialog;
}

}  // namespace poseforge::ui
