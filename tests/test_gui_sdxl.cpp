// GUI on the real engine: choose_engine with and without models, and a generation through the SDXL
// pipeline on the demo models (written by make-demo-models' code), driven through the main window.
#include "core/pipeline/demo_models.h"  // libtorch headers before Qt's (Qt's `slots` macro)

#include <gtest/gtest.h>
#include <QEventLoop>
#include <QLabel>
#include <QSignalSpy>
#include <QTimer>

#include "core/pipeline/model_paths.h"
#include "core/pose/pose_json.h"
#include "tests/support/fixtures.h"
#include "tests/support/gui_app.h"
#include "tests/support/gui_run.h"
#include "tests/support/standing_pose.h"
#include "ui/generation/engine_setup.h"
#include "ui/generation/generation_controller.h"
#include "ui/generation/parameters_panel.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/results/result_view.h"
#include "ui/window/main_window.h"

using namespace poseforge;
using namespace poseforge::ui;
using poseforge::test::GuiEnv;

namespace {

using poseforge::test::write_standing_pose;

// Runs one generation in the window and returns the finished run (fails the test on a failure or timeout).
FinishedRun run_once(MainWindow& window, int* previews) {
  const test::RunEnd end = test::run_once(window);
  EXPECT_FALSE(end.failed) << end.failure.toStdString();
  *previews = end.previews;
  if (!end.finished) ADD_FAILURE() << "no finished run";
  return end.run;
}

}  // namespace

TEST(GuiSdxl, WithoutModelsTheDemoEngineExplainsWhatIsMissing) {
  GuiEnv env;
  test::TempDir empty;
  const auto choice = choose_engine(empty.path());
  EXPECT_FALSE(choice.models_found);
  EXPECT_TRUE(choice.engine->info().demo);
  EXPECT_NE(choice.message.find("SDXL"), std::string::npos) << choice.message;
  EXPECT_NE(choice.message.find("make-demo-models"), std::string::npos) << choice.message;
}

TEST(GuiSdxl, GeneratesOnTheDemoModelsWithPreviews) {
  GuiEnv env;
  test::TempDir dir;
  pipeline::write_demo_models(dir / "models", 3);
  const auto choice = choose_engine(dir / "models");
  ASSERT_TRUE(choice.models_found) << choice.message;
  EXPECT_TRUE(choice.engine->info().demo);
  EXPECT_NE(choice.engine->info().badge.find("noise"), std::string::npos);

  MainWindow window(choice.engine);
  window.show();
  ASSERT_TRUE(window.pose_panel()->import_pose_json(QString::fromStdString(write_standing_pose(dir.path()).string())));
  pipeline::Request r = window.parameters()->request();
  r.width = 64;
  r.height = 64;
  r.steps = 3;
  r.seed = 11;
  r.scheduler = "Euler";
  window.parameters()->set_request(r);

  int previews = 0;
  const FinishedRun first = run_once(window, &previews);
  ASSERT_EQ(first.images.size(), 1);
  EXPECT_EQ(first.images[0].size(), QSize(64, 64));
  EXPECT_GE(previews, 1) << "progressive previews";
  EXPECT_EQ(first.result.request.seed, 11);
  EXPECT_FALSE(first.result.request.pose_json.empty()) << "the run names the pose it used";
  EXPECT_EQ(window.result_view()->image().size(), QSize(64, 64));

  const FinishedRun again = run_once(window, &previews);
  ASSERT_EQ(again.images.size(), 1);
  EXPECT_EQ(again.images[0], first.images[0]) << "same request and seed, same pixels";
}
