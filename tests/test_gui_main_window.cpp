// GUI: the main window's layout (docks around the result view), driven offscreen with Qt Test.
#include <gtest/gtest.h>
#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QStatusBar>
#include <QToolBar>

#include "tests/support/gui_app.h"
#include "ui/generation/cpu_start.h"
#include "ui/generation/parameters_panel.h"
#include "ui/window/main_window.h"

TEST(MainWindow, HasTheDesignDocksAndShortcuts) {
  poseforge::test::GuiEnv env;
  poseforge::ui::MainWindow window;
  window.show();
  for (const char* name : {"PoseDock", "ImagePromptDock", "ParametersDock", "HistoryDock", "PlotsDock"}) {
    auto* dock = window.findChild<QDockWidget*>(name);
    ASSERT_NE(dock, nullptr) << name;
    EXPECT_TRUE(dock->isVisible()) << name;
  }
  EXPECT_EQ(window.dockWidgetArea(window.findChild<QDockWidget*>("PoseDock")), Qt::LeftDockWidgetArea);
  EXPECT_EQ(window.dockWidgetArea(window.findChild<QDockWidget*>("ParametersDock")), Qt::RightDockWidgetArea);
  EXPECT_EQ(window.dockWidgetArea(window.findChild<QDockWidget*>("HistoryDock")), Qt::BottomDockWidgetArea);
  ASSERT_NE(window.centralWidget(), nullptr);
  EXPECT_EQ(window.centralWidget()->objectName(), "ResultView");
  auto shortcut = [&](const char* action) {
    auto* a = window.findChild<QAction*>(action);
    return a ? a->shortcut() : QKeySequence();
  };
  EXPECT_EQ(shortcut("generate_action"), QKeySequence(Qt::CTRL | Qt::Key_Return));
  EXPECT_EQ(shortcut("cancel_action"), QKeySequence(Qt::Key_Escape));
  EXPECT_EQ(shortcut("save_action"), QKeySequence(QKeySequence::Save));
  EXPECT_NE(window.findChild<QDockWidget*>("LogDock"), nullptr);
}

TEST(MainWindow, RestoresTheLayoutAtStart) {
  poseforge::test::GuiEnv env;
  {
    poseforge::ui::MainWindow window;
    window.show();
    window.findChild<QDockWidget*>("PlotsDock")->hide();
    window.close();  // saves geometry + dock state
  }
  poseforge::ui::MainWindow again;
  again.show();
  EXPECT_FALSE(again.findChild<QDockWidget*>("PlotsDock")->isVisible());
  EXPECT_TRUE(again.findChild<QDockWidget*>("HistoryDock")->isVisible());
}

TEST(MainWindow, FirstStartOnTheCpuUsesASizeThatAnswersInSecondsAndSaysWhy) {
  // The default engine is the demo engine on the CPU: the first start shrinks the first preset's size
  // and steps to the CPU start, and the status bar says why.
  poseforge::test::GuiEnv env;
  poseforge::ui::MainWindow window;
  window.show();
  window.statusBar()->showMessage("models found");  // what the app's main() shows first
  QCoreApplication::processEvents();                // the CPU start's reason comes after it
  const auto request = window.parameters()->request();
  EXPECT_EQ(request.width, poseforge::ui::kCpuStartSide);
  EXPECT_EQ(request.height, poseforge::ui::kCpuStartSide);
  EXPECT_EQ(request.steps, poseforge::ui::kCpuStartSteps);
  EXPECT_TRUE(window.statusBar()->currentMessage().contains("On the CPU"))
      << window.statusBar()->currentMessage().toStdString();
}

TEST(CpuStart, OnlyOnTheCpuAndOnlyWhenLarger) {
  poseforge::pipeline::Request big;  // the defaults: 1024x1024, 30 steps
  poseforge::ui::EngineInfo gpu, cpu, sdxl_cpu;
  gpu.device = "cuda:0 NVIDIA H200, float16";
  cpu.device = "CPU";
  sdxl_cpu.device = "cpu, float32";
  EXPECT_FALSE(poseforge::ui::cpu_start(big, gpu).has_value());
  const auto start = poseforge::ui::cpu_start(big, sdxl_cpu);
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(start->request.width, poseforge::ui::kCpuStartSide);
  EXPECT_EQ(start->request.steps, poseforge::ui::kCpuStartSteps);
  EXPECT_EQ(start->request.prompt, big.prompt);
  EXPECT_NE(start->reason.find(std::to_string(big.width)), std::string::npos);  // says what it replaced
  EXPECT_FALSE(poseforge::ui::cpu_start(start->request, cpu).has_value());      // already small
}
