// models/README.md (what to download, where to put it): found in the source tree or the installed share dir.
#pragma once

#include <QString>

class QWidget;

namespace poseforge::ui {

// The README's path, or "" when neither the source tree's nor the installed copy exists.
QString models_readme_path();

// Opens the README with the desktop's viewer; without one, shows where the models come from.
void open_models_readme(QWidget* parent);

}  // namespace poseforge::ui
