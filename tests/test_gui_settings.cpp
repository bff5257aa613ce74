// GUI settings and results: the settings dialog (live model validation, OK switches the engine),
// restoring a result's inputs into the left docks (history click, PNG drop), pose adherence on the
// demo models.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <gtest/gtest.h>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEventLoop>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTimer>
#include <QTreeWidget>

#include "core/pose/pose_adherence.h"
#include "core/pose/pose_json.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "tests/support/standing_pose.h"
#include "ui/settings/engine_settings.h"
#include "ui/generation/generation_controller.h"
#include "ui/results/history_strip.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/window/main_window.h"
#include "ui/settings/models_readme.h"
#include "ui/generation/parameters_panel.h"
#include "ui/results/png_metadata.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/results/result_view.h"
#include "ui/settings/settings_dialog.h"

using namespace poseforge;
using namespace poseforge::ui;
using poseforge::test::GuiEnv;
using poseforge::test::qpath;

namespace {

using poseforge::test::write_standing_pose;

// A small picture to use as an image prompt.
std::filesystem::path write_picture(const std::filesystem::path& dir, const std::string& name, QColor colour) {
  QImage image(32, 24, QImage::Format_RGB32);
  image.fill(colour);
  const auto file = dir / name;
  EXPECT_TRUE(image.save(qpath(file)));
  return file;
}

// A request naming a pose JSON and two weighted image prompts.
pipeline::Request request_with_inputs(const test::TempDir& dir) {
  pipeline::Request r;
  r.prompt = "restored prompt";
  r.seed = 77;
  r.pose_json = write_standing_pose(dir.path()).string();
  r.image_prompts = {{write_picture(dir.path(), "a.png", Qt::red).string(), 0.7},
                     {write_picture(dir.path(), "b.png", Qt::blue).string(), 1.3}};
  return r;
}

// The left docks hold what `r` names.
void expect_inputs_restored(MainWindow& window, const pipeline::Request& r) {
  const pose::Pose expected = pose::load_pose_json(r.pose_json);
  ASSERT_EQ(window.pose_panel()->pose().people().size(), expected.people().size());
  EXPECT_EQ(pose::pose_to_json(window.pose_panel()->pose()), pose::pose_to_json(expected));
  const auto prompts = window.image_prompt_panel()->prompts();
  ASSERT_EQ(prompts.size(), r.image_prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(std::filesystem::path(prompts[i].path), std::filesystem::path(r.image_prompts[i].path));
    EXPECT_DOUBLE_EQ(prompts[i].weight, r.image_prompts[i].weight);
  }
}

QPushButton* ok_button(QDialog* dialog) {
  auto* box = dialog->findChild<QDialogButtonBox*>();
  return box ? box->button(QDialogButtonBox::Ok) : nullptr;
}

}  // namespace

TEST(GuiSettings, DialogShowsTheProblemsOfTheModelsFolderLive) {
  GuiEnv env;
  test::TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  pipeline::write_demo_models(dir / "models", 3);

  SettingsDialog dialog;
  auto* label = dialog.findChild<QLabel*>("model_problems");
  auto* parts = dialog.findChild<QTreeWidget*>("model_parts");
  ASSERT_NE(label, nullptr);
  ASSERT_NE(parts, nullptr);

  dialog.set_models_root(qpath(dir / "empty"));
  EXPECT_FALSE(dialog.problems().isEmpty());
  EXPECT_TRUE(label->text().contains(dialog.problems().front())) << label->text().toStdString();
  EXPECT_TRUE(parts->findItems("not found", Qt::MatchExactly, 1).size() >= 5);

  dialog.set_models_root(qpath(dir / "models"));  // as typed: the list follows at once
  EXPECT_TRUE(dialog.problems().isEmpty()) << dialog.problems().join("\n").toStdString();
  EXPECT_TRUE(parts->findItems("not found", Qt::MatchExactly, 1).isEmpty());
  EXPECT_TRUE(label->text().contains("demo")) << label->text().toStdString();
  EXPECT_NE(dialog.findChild<QPushButton*>("open_readme"), nullptr);
  EXPECT_TRUE(models_readme_path().endsWith("models/README.md")) << models_readme_path().toStdString();
}

TEST(GuiSettings, OkStoresTheSettingsAndSwitchesTheEngine) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  MainWindow window;  // the demo engine
  window.show();
  const EngineInfo before = window.generation()->engine_info();
  EXPECT_EQ(before.name, "demo engine");

  SettingsDialog* dialog = window.open_settings();
  ASSERT_NE(dialog, nullptr);
  dialog->set_models_root(qpath(dir / "models"));
  auto* device = dialog->findChild<QComboBox*>("device");
  auto* dtype = dialog->findChild<QComboBox*>("dtype");
  auto* low_vram = dialog->findChild<QCheckBox*>("low_vram");
  auto* memory = dialog->findChild<QComboBox*>("memory");
  ASSERT_TRUE(device && dtype && low_vram && memory);
  EXPECT_EQ(memory->currentData().toString(), "auto");  // the default
  for (const char* mode : {"resident", "balanced", "low", "minimal"}) EXPECT_GE(memory->findData(mode), 0) << mode;
  EXPECT_GE(device->findData("cpu"), 0);
  device->setCurrentIndex(device->findData("cpu"));
  dtype->setCurrentIndex(dtype->findData("float32"));
  memory->setCurrentIndex(memory->findData("balanced"));
  low_vram->setChecked(true);
  ASSERT_NE(ok_button(dialog), nullptr);
  ok_button(dialog)->click();

  const EngineInfo after = window.generation()->engine_info();
  EXPECT_EQ(after.name, "SDXL pipeline (demo models)");
  EXPECT_NE(after.device.find("cpu"), std::string::npos) << after.device;
  EXPECT_TRUE(window.findChild<QLabel*>("device_label")->text().contains("SDXL pipeline"));
  const EngineSettings stored = load_engine_settings();
  EXPECT_EQ(stored.models_root, dir / "models");
  EXPECT_EQ(stored.options.device, "cpu");
  EXPECT_EQ(stored.options.dtype, "float32");
  EXPECT_TRUE(stored.options.low_vram);
  EXPECT_EQ(stored.options.memory, "balanced");

  // Back to an empty folder: the demo engine again, and the status bar says why.
  std::filesystem::create_directories(dir / "empty");
  dialog = window.open_settings();
  EXPECT_EQ(dialog->findChild<QComboBox*>("device")->currentData().toString(), "cpu") << "starts from the settings";
  dialog->set_models_root(qpath(dir / "empty"));
  ok_button(dialog)->click();
  EXPECT_EQ(window.generation()->engine_info().name, "demo engine");
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("no usable models"))
      << window.statusBar()->currentMessage().toStdString();
}

TEST(GuiSettings, HistoryClickRestoresThePoseAndImagePrompts) {
  GuiEnv env;
  test::TempDir dir;
  const pipeline::Request r = request_with_inputs(dir);
  MainWindow window;
  window.show();
  ASSERT_TRUE(window.pose_panel()->pose().empty());
  ASSERT_EQ(window.image_prompt_panel()->count(), 0);
  QImage picture(64, 64, QImage::Format_RGB32);
  picture.fill(Qt::darkGreen);
  window.history()->add({picture, r, "earlier", {}, {}, std::nullopt});

  const QRect rect = window.history()->visualItemRect(window.history()->item(0));
  QTest::mouseClick(window.history()->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
  EXPECT_EQ(window.parameters()->request().prompt, r.prompt);
  expect_inputs_restored(window, r);

  // Files gone since: a status message, the rest still restored, no crash.
  pipeline::Request gone = r;
  gone.pose_json = (dir / "deleted.json").string();
  gone.image_prompts.push_back({(dir / "deleted.png").string(), 1.0});
  window.history()->add({picture, gone, "gone", {}, {}, std::nullopt});
  QTest::mouseClick(window.history()->viewport(), Qt::LeftButton, Qt::NoModifier,
                    window.history()->visualItemRect(window.history()->item(0)).center());
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("Not restored"))
      << window.statusBar()->currentMessage().toStdString();
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("deleted.json"));
  EXPECT_EQ(window.image_prompt_panel()->count(), 2);
}

TEST(GuiSettings, ShowDetectedPoseDrawsTheSkeletonOverTheResult) {
  GuiEnv env;
  test::TempDir dir;
  MainWindow window;
  window.show();
  QImage picture(64, 64, QImage::Format_RGB32);
  picture.fill(Qt::black);
  window.history()->add({picture, {}, "with a detected pose", {}, {}, pose::load_pose_json(write_standing_pose(dir.path()))});
  QTest::mouseClick(window.history()->viewport(), Qt::LeftButton, Qt::NoModifier,
                    window.history()->visualItemRect(window.history()->item(0)).center());
  EXPECT_EQ(window.result_view()->image(), picture);
  auto* action = window.findChild<QAction*>("show_detected_pose_action");
  ASSERT_NE(action, nullptr);
  action->trigger();
  const QImage overlaid = window.result_view()->image().convertToFormat(QImage::Format_RGB32);
  EXPECT_EQ(overlaid.size(), picture.size());
  EXPECT_NE(overlaid, picture) << "the skeleton is drawn";
  EXPECT_NE(overlaid.pixel(32, 64 * 3 / 10), qRgb(0, 0, 0)) << "at the neck";
  EXPECT_EQ(overlaid.pixel(2, 62), qRgb(0, 0, 0)) << "a corner far from the body stays";
  action->trigger();
  EXPECT_EQ(window.result_view()->image(), picture);
}

TEST(GuiSettings, DroppingAPoseForgePngRestoresTheInputs) {
  GuiEnv env;
  test::TempDir dir;
  const pipeline::Request r = request_with_inputs(dir);
  QImage picture(64, 64, QImage::Format_RGB32);
  picture.fill(Qt::darkCyan);
  const auto png = dir / "result.png";
  save_result_png(png, picture, r);

  MainWindow window;
  window.show();
  ASSERT_TRUE(test::drop_files(&window, {qpath(png)}));
  EXPECT_EQ(window.parameters()->request().seed, r.seed);
  expect_inputs_restored(window, r);

  // A PNG whose pose and prompts are gone: parameters restored, a message, no crash.
  pipeline::Request gone = r;
  gone.pose_json.clear();
  gone.pose_image = (dir / "no-such-photo.jpg").string();
  gone.image_prompts = {{(dir / "no-such.png").string(), 1.0}};
  gone.seed = 78;
  save_result_png(dir / "gone.png", picture, gone);
  ASSERT_TRUE(test::drop_files(&window, {qpath(dir / "gone.png")}));
  EXPECT_EQ(window.parameters()->request().seed, 78);
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("no-such-photo.jpg"))
      << window.statusBar()->currentMessage().toStdString();
}

TEST(GuiSettings, RunOnDemoModelsMeasuresPoseAdherence) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  QSettings().setValue(kModelsRootKey, qpath(dir / "models"));
  MainWindow window;
  window.show();
  window.apply_settings();
  ASSERT_EQ(window.generation()->engine_info().name, "SDXL pipeline (demo models)");
  ASSERT_TRUE(window.pose_panel()->import_pose_json(qpath(write_standing_pose(dir.path()))));
  pipeline::Request r = window.parameters()->request();
  r.width = 64;
  r.height = 64;
  r.steps = 2;
  r.seed = 5;
  r.scheduler = "Euler";
  window.parameters()->set_request(r);

  QSignalSpy finished(window.generation(), &GenerationController::finished);
  QSignalSpy failed(window.generation(), &GenerationController::failed);
  window.generate();
  ASSERT_TRUE(test::wait_for([&] { return finished.count() + failed.count() > 0; }, 120000));
  ASSERT_EQ(failed.count(), 0) << failed.at(0).at(0).toString().toStdString();
  const auto run = finished.at(0).at(0).value<FinishedRun>();
  const GenerationResult& result = run.result;
  // Random weights: nobody is detected, so the score is 0 with the advice for these settings.
  ASSERT_TRUE(result.pose_adherence.has_value()) << result.pose_message;
  EXPECT_EQ(*result.pose_adherence, 0.0);
  ASSERT_TRUE(result.detected_pose.has_value());
  EXPECT_TRUE(result.detected_pose->empty());
  pose::AdherenceSettings used;
  used.controlnet_scale = result.request.controlnet_scale;
  used.ip_adapter_scale = result.request.ip_adapter_scale;
  used.control_start = result.request.control_start;
  used.control_end = result.request.control_end;
  const std::string advice = pose::adherence_advice(used);
  ASSERT_FALSE(advice.empty());
  EXPECT_NE(result.pose_message.find(advice), std::string::npos) << result.pose_message << "\nvs " << advice;
  const QString caption = window.findChild<QLabel*>("result_caption")->text();
  EXPECT_TRUE(caption.contains("pose adherence 0.00")) << caption.toStdString();
  EXPECT_TRUE(caption.contains(QString::fromStdString(advice))) << caption.toStdString();

  // "Show detected pose": nobody to draw, so the picture stays and the status bar says so.
  const QImage shown = window.result_view()->image();
  window.set_show_detected_pose(true);
  EXPECT_EQ(window.result_view()->image(), shown);
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("Nobody")) << window.statusBar()->currentMessage().toStdString();
}

TEST(GuiSettings, DialogListsTheCheckpointsAndLorasOfTheModelsFolder) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  std::filesystem::create_directories(dir / "models" / "checkpoints");
  std::filesystem::create_directories(dir / "models" / "loras");
  test::write_bytes(dir / "models" / "checkpoints" / "juggernaut.safetensors", "x");
  test::write_bytes(dir / "models" / "loras" / "detail.safetensors", "x");
  test::write_bytes(dir / "models" / "loras" / "style.safetensors", "x");
  SettingsDialog dialog;
  dialog.set_models_root(qpath(dir / "models"));
  auto* parts = dialog.findChild<QTreeWidget*>("model_parts");
  ASSERT_NE(parts, nullptr);
  const auto checkpoints = parts->findItems("Checkpoints", Qt::MatchExactly, 0);
  ASSERT_EQ(checkpoints.size(), 1);
  EXPECT_TRUE(checkpoints[0]->text(1).contains("1 file(s)")) << checkpoints[0]->text(1).toStdString();
  EXPECT_TRUE(checkpoints[0]->text(1).contains("juggernaut.safetensors"));
  const auto loras = parts->findItems("LoRAs", Qt::MatchExactly, 0);
  ASSERT_EQ(loras.size(), 1);
  EXPECT_TRUE(loras[0]->text(1).contains("2 file(s)")) << loras[0]->text(1).toStdString();
  EXPECT_TRUE(loras[0]->text(1).contains("detail.safetensors, style.safetensors"));
}

// The schedule travels in the PNG: A1111's "Schedule type: ..." in the parameters text, the request in
// our chunk, and a dropped PNG sets the schedule combo back.
TEST(GuiSettings, PngCarriesAndRestoresTheSchedule) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::Request r = request_with_inputs(dir);
  r.scheduler = "Euler";
  r.schedule = "Exponential";
  QImage picture(64, 64, QImage::Format_RGB32);
  picture.fill(Qt::darkYellow);
  const auto png = dir / "scheduled.png";
  save_result_png(png, picture, r);
  EXPECT_TRUE(QImage(qpath(png)).text("parameters").contains("Schedule type: Exponential"));
  ASSERT_TRUE(read_result_png(png).has_value());
  EXPECT_EQ(read_result_png(png)->schedule, "Exponential");

  MainWindow window;
  window.show();
  ASSERT_TRUE(test::drop_files(&window, {qpath(png)}));
  EXPECT_EQ(window.parameters()->request().schedule, "Exponential");
  EXPECT_EQ(window.findChild<QComboBox*>("schedule")->currentText(), "Exponential");
}
