// GUI failure paths on the demo models, none of which may crash the app or lose the pose edits or the
// results: out of GPU memory (injected) offers low-VRAM mode; a NaN decode is redone and said; the models
// folder vanishing or a weights file changing while the app runs; a full disk while saving (injected);
// corrupt preset, last-session and settings files.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <gtest/gtest.h>
#include <QComboBox>
#include <QEventLoop>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTimer>

#include <cerrno>

#include "core/io/write_faults.h"
#include "core/pipeline/fault_hooks.h"
#include "core/pipeline/stage_error.h"
#include "core/pose/pose_json.h"
#include "core/presets/preset_store.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "tests/support/gui_run.h"
#include "tests/support/standing_pose.h"
#include "ui/generation/engine_setup.h"
#include "ui/generation/generation_controller.h"
#include "ui/generation/parameters_panel.h"
#include "ui/generation/preset_bar.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/results/history_strip.h"
#include "ui/results/result_view.h"
#include "ui/settings/engine_settings.h"
#include "ui/window/main_window.h"

namespace fs = std::filesystem;
using namespace poseforge;
using namespace poseforge::ui;
using poseforge::test::GuiEnv;

namespace {

using poseforge::test::run_once;
using poseforge::test::RunEnd;

// A window on the demo models under `models` (also stored as the settings' models folder), with the
// standing pose loaded and a small, seeded request.
std::unique_ptr<MainWindow> demo_window(const fs::path& models, const fs::path& dir) {
  QSettings().setValue(kModelsRootKey, QString::fromStdString(models.string()));
  const auto choice = choose_engine(models, load_engine_settings().options);
  EXPECT_TRUE(choice.models_found) << choice.message;
  auto window = std::make_unique<MainWindow>(choice.engine);
  window->show();
  EXPECT_TRUE(window->pose_panel()->import_pose_json(QString::fromStdString(test::write_standing_pose(dir).string())));
  pipeline::Request r = window->parameters()->request();
  r.width = r.height = 64;
  r.steps = 2;
  r.seed = 5;
  r.scheduler = "Euler";
  window->parameters()->set_request(r);
  return window;
}

std::string pose_text(const MainWindow& window) {
  return pose::pose_to_json(window.pose_panel()->pose()).dump();
}

// Moves the first keypoint the pose has, as a drag in the editor would (an edit that must survive).
void edit_pose(MainWindow& window) {
  const auto& pose = window.pose_panel()->pose();
  const auto& body = pose.people().at(0).body;
  for (std::size_t k = 0; k < body.size(); ++k) {
    if (body[k]) {
      window.pose_panel()->document()->move_keypoint(0, static_cast<int>(k), body[k]->x * 0.9 + 0.05,
                                                     body[k]->y * 0.9 + 0.05);
      return;
    }
  }
  ADD_FAILURE() << "the standing pose has no keypoint";
}

QMessageBox* find_offer(const MainWindow& window) {
  for (auto* box : window.findChildren<QMessageBox*>("low_vram_offer")) {
    if (box->isVisible()) return box;
  }
  return nullptr;
}

}  // namespace

TEST(GuiFailures, OutOfMemoryOffersLowVramModeAndKeepsThePoseAndTheResults) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  auto window = demo_window(dir / "models", dir.path());
  const RunEnd first = run_once(*window);
  ASSERT_TRUE(first.finished) << first.failure.toStdString();
  ASSERT_EQ(window->history()->size(), 1);
  edit_pose(*window);
  const std::string edited = pose_text(*window);

  {
    pipeline::FaultHooks hooks;
    hooks.before_model_call = [](std::int64_t call) {
      if (call == 1) pipeline::throw_simulated_cuda_oom();
    };
    const pipeline::ScopedFaultHooks scoped(std::move(hooks));
    QSignalSpy oom(window->generation(), &GenerationController::out_of_memory);
    const RunEnd end = run_once(*window);
    EXPECT_FALSE(end.finished);
    EXPECT_NE(end.failure.indexOf("out of memory while denoising"), -1) << end.failure.toStdString();
    EXPECT_EQ(oom.count(), 1);
  }
  ASSERT_TRUE(test::wait_for([&] { return find_offer(*window) != nullptr; }, 5000));
  QMessageBox* offer = find_offer(*window);
  EXPECT_NE(offer->detailedText().indexOf("CUDA out of memory"), -1) << offer->detailedText().toStdString();
  if (const QByteArray shots = qgetenv("POSEFORGE_SCREENSHOT_DIR"); !shots.isEmpty()) {
    QApplication::processEvents();
    window->grab().save(QString::fromUtf8(shots) + "/oom_window.png");
    offer->grab().save(QString::fromUtf8(shots) + "/oom_offer.png");
  }
  // Nothing lost: the edited pose and the earlier result are all there.
  EXPECT_EQ(pose_text(*window), edited);
  EXPECT_EQ(window->history()->size(), 1);
  EXPECT_FALSE(window->history()->entry(0).image.isNull());

  // The button turns low-VRAM mode on (stored) and switches to an engine with it; the next run works.
  auto* turn_on = offer->findChild<QPushButton*>("turn_on_low_vram");
  ASSERT_NE(turn_on, nullptr);
  turn_on->click();
  EXPECT_TRUE(load_engine_settings().options.low_vram);
  const RunEnd after = run_once(*window);
  EXPECT_TRUE(after.finished) << after.failure.toStdString();
  EXPECT_EQ(window->history()->size(), 2);
  EXPECT_EQ(pose_text(*window), edited);

  // With low-VRAM mode already on, the offer has no button, only the advice.
  {
    pipeline::FaultHooks hooks;
    hooks.before_model_call = [](std::int64_t) { pipeline::throw_simulated_cuda_oom(); };
    const pipeline::ScopedFaultHooks scoped(std::move(hooks));
    run_once(*window);
  }
  ASSERT_TRUE(test::wait_for([&] { return find_offer(*window) != nullptr; }, 5000));
  EXPECT_EQ(find_offer(*window)->findChild<QPushButton*>("turn_on_low_vram"), nullptr);
  EXPECT_NE(find_offer(*window)->text().indexOf("smaller"), -1);
}

TEST(GuiFailures, NanDecodeIsDecodedAgainAndTheCaptionSaysSo) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  auto window = demo_window(dir / "models", dir.path());
  pipeline::FaultHooks hooks;
  hooks.poison_decode = [](int attempt) { return attempt == 0; };
  const pipeline::ScopedFaultHooks scoped(std::move(hooks));
  const RunEnd end = run_once(*window);
  ASSERT_TRUE(end.finished) << end.failure.toStdString();
  EXPECT_NE(end.run.result.note.find("decoded again in float32"), std::string::npos) << end.run.result.note;
  auto* caption = window->result_view()->findChild<QLabel*>("result_caption");
  ASSERT_NE(caption, nullptr);
  EXPECT_NE(caption->text().indexOf("decoded again in float32"), -1) << caption->text().toStdString();
}

TEST(GuiFailures, ModelsFolderVanishingOrAWeightsFileChangingNeverCrashes) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  auto window = demo_window(dir / "models", dir.path());
  edit_pose(*window);
  const std::string edited = pose_text(*window);

  // 1. The folder goes away before the models were loaded: a message naming what is missing.
  fs::rename(dir / "models", dir / "moved");
  const RunEnd gone = run_once(*window);
  EXPECT_FALSE(gone.finished);
  EXPECT_NE(gone.failure.indexOf(QString::fromStdString((dir / "models").string())), -1) << gone.failure.toStdString();
  EXPECT_EQ(pose_text(*window), edited);
  // It comes back: the next run works.
  fs::rename(dir / "moved", dir / "models");
  const RunEnd back = run_once(*window);
  ASSERT_TRUE(back.finished) << back.failure.toStdString();

  // 2. Loaded models are in memory: weights changing on disk afterwards change nothing.
  const fs::path unet = dir / "models" / "sdxl" / "unet" / "diffusion_pytorch_model.safetensors";
  ASSERT_TRUE(fs::exists(unet));
  test::write_bytes(unet, "overwritten by another program");
  const RunEnd changed = run_once(*window);
  ASSERT_TRUE(changed.finished) << changed.failure.toStdString();
  EXPECT_EQ(changed.run.images.at(0), back.run.images.at(0)) << "same request and seed, same pixels";

  // 3. A new engine on the damaged folder (Settings > OK) fails on its first run with the file's name.
  window->apply_settings();
  const RunEnd broken = run_once(*window);
  EXPECT_FALSE(broken.finished);
  EXPECT_NE(broken.failure.indexOf("diffusion_pytorch_model.safetensors"), -1) << broken.failure.toStdString();
  EXPECT_EQ(window->history()->size(), 2);
  EXPECT_EQ(pose_text(*window), edited);
}

TEST(GuiFailures, FullDiskWhileSavingKeepsTheOldFileAndTheResult) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  auto window = demo_window(dir / "models", dir.path());
  const RunEnd end = run_once(*window);
  ASSERT_TRUE(end.finished) << end.failure.toStdString();
  const QString file = QString::fromStdString((dir / "saved.png").string());
  ASSERT_TRUE(window->save_image(file));
  const std::string before = test::read_bytes(dir / "saved.png");

  window->parameters()->set_request([&] {
    auto r = window->parameters()->request();
    r.seed = 6;
    return r;
  }());
  ASSERT_TRUE(run_once(*window).finished);
  io::write_fault_hook() = [](const fs::path&) { return ENOSPC; };
  EXPECT_FALSE(window->save_image(file));
  io::write_fault_hook() = {};
  EXPECT_NE(window->statusBar()->currentMessage().indexOf("No space left on device"), -1)
      << window->statusBar()->currentMessage().toStdString();
  EXPECT_EQ(test::read_bytes(dir / "saved.png"), before) << "the old file stays";
  EXPECT_FALSE(window->result_view()->image().isNull()) << "the result is still shown";
  EXPECT_EQ(window->history()->size(), 2);
  EXPECT_TRUE(window->save_image(file)) << "saving works again once there is room";
  EXPECT_NE(test::read_bytes(dir / "saved.png"), before);
}

TEST(GuiFailures, CorruptPresetLastSessionAndSettingsFilesAreSkippedTheOthersLoad) {
  GuiEnv env;
  const fs::path data = env.path("data").toStdString();
  presets::PresetStore store(data / "presets");
  presets::Preset good;
  good.name = "my good preset";
  good.settings.steps = 17;
  store.save(good);
  const std::string bad_files[][2] = {
      {"bad-bytes.preset.json", "\xff\xfe\x00garbage"},
      {"bad-type.preset.json", "{\"name\": 5, \"settings\": {}}"},
      {"bad-settings.preset.json", "{\"name\": \"x\", \"settings\": {\"num_inference_steps\": 1e308}}"},
      {"bad-deep.preset.json", std::string(5000, '[') + std::string(5000, ']')},
      {"bad-empty.preset.json", ""},
  };
  for (const auto& [name, bytes] : bad_files) test::write_bytes(data / "presets" / name, bytes);
  test::write_bytes(data / "presets" / "last-session.request.json", "{\"prompt\": ");
  // The settings file: not INI, odd values.
  QSettings().sync();
  const fs::path settings_file = QSettings().fileName().toStdString();
  fs::create_directories(settings_file.parent_path());
  test::write_bytes(settings_file, "\x01\x02[engine\nlow_vram=banana\ndevice=\xff\xff\n[models]\nroot=\n==\n");

  MainWindow window;
  window.show();
  // The good preset and the built-ins are offered, none of the corrupt ones.
  auto* combo = window.preset_bar()->combo();
  EXPECT_NE(combo->findData(QString::fromStdString(good.name)), -1);
  EXPECT_GT(combo->count(), 1);
  for (int i = 0; i < combo->count(); ++i) EXPECT_NE(combo->itemData(i).toString(), "x");
  // The status bar says so once the window is up (the bar read the files before it was connected).
  QCoreApplication::processEvents();
  const QString shown = window.statusBar()->currentMessage();
  EXPECT_NE(shown.indexOf(QString("%1 preset files were skipped").arg(std::size(bad_files))), -1) << shown.toStdString();
  EXPECT_NE(shown.indexOf("the Log panel says why"), -1) << shown.toStdString();
  // Each corrupt file is named in a message.
  QSignalSpy messages(window.preset_bar(), &PresetBar::message);
  window.preset_bar()->reload();
  QStringList texts;
  for (const auto& m : messages) texts << m.at(0).toString();
  for (const auto& [name, bytes] : bad_files) {
    EXPECT_NE(texts.join("\n").indexOf(QString::fromStdString(name)), -1) << name << " not named in:\n"
                                                                          << texts.join("\n").toStdString();
  }
  // The window works: the engine (the demo one: the settings name no models) runs.
  EXPECT_TRUE(window.pose_panel()->import_pose_json(
      QString::fromStdString(test::write_standing_pose(env.path("data").toStdString()).string())));
  const RunEnd end = run_once(window);
  EXPECT_TRUE(end.finished) << end.failure.toStdString();
}
