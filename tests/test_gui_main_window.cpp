// GUI: the main window's layout (docks around the result view), driven offscreen with Qt Test.
#include <gtest/gtest.h>
#include <QAction>
#include <QDockWidget>
#include <QToolBar>

#include "tests/support/gui_app.h"
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
