// Opening models/README.md, or saying where to download the models when it is not installed.
#include "ui/settings/models_readme.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QUrl>

namespace poseforge::ui {

QString models_readme_path() {
  // The installed copy first (bin/../share), then the source tree's when running from a build folder.
  const QStringList candidates = {
      QCoreApplication::applicationDirPath() + "/../share/poseforge/models/README.md",
#ifdef POSEFORGE_SOURCE_DIR
      QString(POSEFORGE_SOURCE_DIR) + "/models/README.md",
#endif
  };
  for (const QString& file : candidates) {
    if (QFileInfo(file).isFile()) return QDir::cleanPath(QFileInfo(file).absoluteFilePath());
  }
  return {};
}

void open_models_readme(QWidget* parent) {
  const QString file = models_readme_path();
  if (!file.isEmpty() && QDesktopServices::openUrl(QUrl::fromLocalFile(file))) return;
  QMessageBox::information(
      parent, "Where to get the models",
      QString("%1The models come from Hugging Face (https://huggingface.co), into the models folder:\n"
              "  - sdxl/: stabilityai/stable-diffusion-xl-base-1.0 (diffusers folder)\n"
              "  - controlnet-openpose/: thibaud/controlnet-openpose-sdxl-1.0\n"
              "  - ip-adapter/: h94/IP-Adapter (sdxl_models/ip-adapter_sdxl_vit-h.safetensors + "
              "models/image_encoder/)\n"
              "  - openpose/: lllyasviel/Annotators, body_pose_model.pth\n"
              "models/download.sh in the PoseForge sources fetches all of them.")
          .arg(file.isEmpty() ? QString() : QString("%1 could not be opened.\n\n").arg(file)));
}

}  // namespace poseforge::ui
