// poseforge: the desktop application.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <cstdio>
#include <optional>

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"
#include "ui/settings/engine_settings.h"
#include "ui/generation/engine_setup.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/image_prompts/mask_paint_dialog.h"
#include "ui/window/main_window.h"
#include "ui/settings/models_readme.h"
#include "ui/generation/parameters_panel.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/settings/settings_dialog.h"

namespace {

// The first-start question: make demo models? With a button that opens models/README.md (the
// question stays open after it).
bool ask_make_demo_models(const QString& message) {
  QMessageBox box(QMessageBox::Question, "PoseForge: no models",
                  message + "\n\nMake and use tiny demo models now? Everything runs on them, but the pictures are "
                            "noise. Real models: see models/README.md.",
                  QMessageBox::Yes | QMessageBox::No);
  auto* readme = box.addButton("Open models/README.md", QMessageBox::ActionRole);
  readme->disconnect();  // no close: the user still answers the question
  QObject::connect(readme, &QPushButton::clicked, &box, [&box] { poseforge::ui::open_models_readme(&box); });
  return box.exec() == QMessageBox::Yes;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("PoseForge");
  QApplication::setApplicationName("PoseForge");
  QApplication::setApplicationVersion(POSEFORGE_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("Re-create a person's pose in a new picture.");
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption log_level("log-level", "trace, debug, info, warn, error or off.", "level");
  QCommandLineOption screenshot("screenshot", "Save a picture of the window to <file> and quit.", "file");
  QCommandLineOption models("models", "Models folder (default: the one in the settings, else $POSEFORGE_MODELS or "
                            "~/.local/share/poseforge/models).", "dir");
  QCommandLineOption demo_if_missing("demo-models-if-missing",
                                     "Without usable models, make tiny demo models (pictures are noise) and use them.");
  QCommandLineOption device("device", "auto (CUDA when available), cpu, cuda or cuda:N (default: the settings, else auto).",
                            "device");
  // Hidden options for screenshots and scripted demos: prefill the inputs, start a run at once,
  // take the screenshot after <ms>, the demo engine's simulated step time.
  QCommandLineOption pose_image("pose-image", "Load <file> as the pose reference.", "file");
  QCommandLineOption pose_json("pose-json", "Load <file> as the pose (after --pose-image).", "file");
  QCommandLineOption image_prompt("image-prompt", "Add <file> as an image prompt (repeatable).", "file");
  QCommandLineOption generate("generate", "Start a generation at start-up.");
  QCommandLineOption screenshot_after("screenshot-after-ms", "Delay before --screenshot (default 800).", "ms", "800");
  QCommandLineOption prompt("prompt", "Start with this prompt.", "text");
  QCommandLineOption request_file("request", "Start with the settings of a request JSON (Segmind keys).", "file");
  QCommandLineOption demo_step("demo-step-ms", "Demo engine: simulated model time per step.", "ms", "60");
  QCommandLineOption show_settings("show-settings", "Open the settings dialog at start (--screenshot takes it).");
  QCommandLineOption screenshot_widget("screenshot-widget",
                                       "--screenshot takes the window's child <name> (a dock is made taller first).", "name");
  QCommandLineOption show_mask_painter("show-mask-painter",
                                       "Open the mask painter of image prompt <n> at start (--screenshot takes it).", "n");
  // Prints the models/README.md the app opens (scripts/test-deb.sh checks the installed one is found).
  QCommandLineOption print_readme("print-models-readme", "Print the path of the models guide and quit.");
  for (auto* option : {&pose_image, &pose_json, &image_prompt, &generate, &screenshot_after, &demo_step, &prompt,
                       &show_settings, &show_mask_painter, &screenshot_widget, &print_readme}) {
    option->setFlags(QCommandLineOption::HiddenFromHelp);
  }
  parser.addOptions({log_level, screenshot, models, demo_if_missing, device, request_file, pose_image, pose_json,
                     image_prompt, generate, screenshot_after, demo_step, prompt, show_settings, show_mask_painter,
                     screenshot_widget, print_readme});
  parser.process(app);
  if (parser.isSet(print_readme)) {
    const QString readme = poseforge::ui::models_readme_path();
    std::printf("%s\n", readme.isEmpty() ? "(not found)" : readme.toStdString().c_str());
    return readme.isEmpty() ? 1 : 0;
  }

  try {
    poseforge::init_logging({parser.value(log_level).toStdString(), {}, true});
  } catch (const poseforge::Error& e) {
    poseforge::init_logging({"info", {}, true});
    spdlog::warn("{}; using level info", e.what());
  }
  // The models folder: --models (remembered), else the settings, else the default root; the device,
  // precision and low-VRAM mode from the settings (--device overrides for this start).
  QSettings settings;
  if (parser.isSet(models)) {
    settings.setValue(poseforge::ui::kModelsRootKey, QFileInfo(parser.value(models)).absoluteFilePath());
  }
  const poseforge::ui::EngineSettings stored = poseforge::ui::load_engine_settings();
  const std::filesystem::path models_root = stored.models_root;
  poseforge::pipeline::EngineOptions engine_options = stored.options;
  if (parser.isSet(device)) engine_options.device = parser.value(device).toStdString();
  poseforge::ui::DemoEngineOptions demo;
  demo.step_delay_ms = parser.value(demo_step).toInt();
  // The SDXL pipeline on the models found; without models, the demo engine, labelled as such.
  auto choice = poseforge::ui::choose_engine(models_root, engine_options, demo);
  if (!choice.models_found) {
    // No usable models: offer the demo models (asked for on the command line, or by a dialog).
    const auto demo_root = poseforge::user_data_dir() / "demo-models";
    const bool make_demo =
        parser.isSet(demo_if_missing) ||
        (!parser.isSet(screenshot) && ask_make_demo_models(QString::fromStdString(choice.message)));
    if (make_demo) {
      try {
        std::error_code ec;
        if (!std::filesystem::exists(demo_root / poseforge::pipeline::kDemoModelsMarker, ec)) {
          spdlog::info("making demo models in {}", demo_root.string());
          poseforge::pipeline::write_demo_models(demo_root);
        }
        choice = poseforge::ui::choose_engine(demo_root, engine_options, demo);
        settings.setValue(poseforge::ui::kModelsRootKey, QString::fromStdString(demo_root.string()));
      } catch (const std::exception& e) {
        spdlog::error("demo models could not be made: {}", e.what());
      }
    }
  }
  poseforge::ui::MainWindow window(choice.engine);
  window.statusBar()->showMessage(QString::fromStdString(choice.message.substr(0, choice.message.find('\n'))));
  std::optional<poseforge::pipeline::Request> request;
  if (parser.isSet(request_file)) {
    try {
      request = poseforge::pipeline::Request::load(parser.value(request_file).toStdString());
      window.parameters()->set_request(*request);
    } catch (const poseforge::Error& e) {
      spdlog::error("{}", e.what());
    }
  }
  if (parser.isSet(prompt)) {
    auto request = window.parameters()->request();
    request.prompt = parser.value(prompt).toStdString();
    window.parameters()->set_request(request);
  }
  window.show();
  if (request) window.restore_inputs(*request);  // the pose reference and image prompts it names
  if (parser.isSet(pose_image)) window.pose_panel()->open_file(parser.value(pose_image));
  if (parser.isSet(pose_json)) window.pose_panel()->import_pose_json(parser.value(pose_json));
  for (const QString& file : parser.values(image_prompt)) window.image_prompt_panel()->add_file(file);
  spdlog::info("PoseForge {} started", POSEFORGE_VERSION);
  if (parser.isSet(generate)) QTimer::singleShot(100, &window, [&window] { window.generate(); });
  QWidget* shot = &window;
  if (parser.isSet(show_settings)) shot = window.open_settings();
  if (parser.isSet(screenshot_widget)) {
    if (auto* widget = window.findChild<QWidget*>(parser.value(screenshot_widget))) {
      if (auto* dock = qobject_cast<QDockWidget*>(widget)) window.resizeDocks({dock}, {620}, Qt::Vertical);
      shot = widget;
    }
  }
  if (parser.isSet(show_mask_painter)) {
    if (QWidget* painter = window.open_mask_painter(parser.value(show_mask_painter).toInt() - 1)) shot = painter;
  }
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QTimer::singleShot(parser.value(screenshot_after).toInt(), &window, [shot, file] {
      if (!shot->grab().save(file)) spdlog::error("cannot save screenshot '{}'", file.toStdString());
      QApplication::quit();
    });
  }
  return app.exec();
}
