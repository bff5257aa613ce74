// GUI: generation through the worker thread with the demo engine: progressive previews, the final
// picture, cancel, queued re-runs, UI responsiveness, PNG save + drop-to-restore, history clicks.
#include <algorithm>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QUrl>

#include "core/error.h"
#include "core/io/png_io.h"
#include "tests/support/gui_app.h"
#include "ui/common/slider_spin_box.h"
#include "ui/common/zoom_view.h"
#include "ui/generation/demo_engine.h"
#include "ui/generation/generation_controller.h"
#include "ui/generation/parameters_panel.h"
#include "ui/generation/sampler_schedule.h"
#include "ui/results/plots_panel.h"
#include "ui/results/result_view.h"
#include "ui/window/main_window.h"

using poseforge::pipeline::Request;
using poseforge::test::GuiEnv;
using poseforge::test::wait_for;
using namespace poseforge::ui;

namespace {

std::shared_ptr<DemoEngine> demo(int step_ms) {
  DemoEngineOptions options;
  options.step_delay_ms = step_ms;
  return std::make_shared<DemoEngine>(options);
}

// Small, quick settings on the window's panel.
void set_quick(MainWindow& window, int steps, int side = 256) {
  Request r = window.parameters()->request();
  r.steps = steps;
  r.width = side;
  r.height = side;
  r.seed = 77;
  window.parameters()->set_request(r);
}

class FailingEngine : public GenerationEngine {
 public:
  EngineInfo info() const override { return {"failing", "CPU", "none", "", false}; }
  GenerationResult generate(const Request&, const poseforge::pipeline::Inputs&, const ProgressFn&,
                            const std::atomic<bool>&) override {
    throw poseforge::Error("model file 'unet.safetensors' is missing");
  }
};

}  // namespace

TEST(Generation, PreviewsEveryStepThenTheFinalPictureWithoutBlockingTheUi) {
  GuiEnv env;
  MainWindow window(demo(25));
  window.show();
  Request r = window.parameters()->request();
  r.steps = 16;  // SDXL's full size: the preview the UI thread draws each step is as large as real ones
  r.width = 1024;
  r.height = 1024;
  window.parameters()->set_request(r);
  QSignalSpy previews(window.generation(), &GenerationController::preview);
  QSignalSpy finished(window.generation(), &GenerationController::finished);

  // Watchdog: a 10 ms timer on the UI thread; the most CPU time the UI thread used between two of its ticks is
  // the longest it was busy. (CPU time, not wall time: on a loaded machine a thread that is not busy can still
  // wait hundreds of milliseconds for a core, which says nothing about what the UI does.)
  QElapsedTimer clock;
  qint64 last = poseforge::test::thread_cpu_ms(), worst = 0;
  QTimer watchdog;
  watchdog.setInterval(10);
  QObject::connect(&watchdog, &QTimer::timeout, [&] {
    const qint64 now = poseforge::test::thread_cpu_ms();
    worst = std::max(worst, now - last);
    last = now;
  });
  QEventLoop loop;
  QObject::connect(window.generation(), &GenerationController::finished, &loop, &QEventLoop::quit);
  QTimer::singleShot(30000, &loop, &QEventLoop::quit);
  clock.start();
  watchdog.start();
  window.generate();
  loop.exec();
  watchdog.stop();
  std::printf("UI thread watchdog: worst busy stretch %lld ms of CPU over a %lld ms run, %d previews\n",
              static_cast<long long>(worst), static_cast<long long>(clock.elapsed()),
              static_cast<int>(previews.count()));

  ASSERT_EQ(finished.count(), 1);
  EXPECT_EQ(previews.count(), 16);
  EXPECT_EQ(window.result_view()->previews_shown(), 16);
  EXPECT_LT(worst, 100) << "the UI thread was blocked for " << worst << " ms";
  const QImage shown = window.result_view()->image();
  EXPECT_EQ(shown.size(), QSize(1024, 1024));
  const auto run = finished.at(0).at(0).value<FinishedRun>();
  ASSERT_EQ(run.images.size(), 1);
  EXPECT_EQ(run.images[0].convertToFormat(QImage::Format_RGB888), shown.convertToFormat(QImage::Format_RGB888));
  EXPECT_NE(run.images[0], previews.at(0).at(0).value<QImage>()) << "the first preview is still noisy";
  EXPECT_EQ(run.result.step_seconds.size(), 16u);
  EXPECT_EQ(run.result.sigmas.size(), 17u);
  EXPECT_GT(run.result.sigmas.front(), run.result.sigmas[8]);
  EXPECT_EQ(window.plots()->steps_plotted(), 16);
  EXPECT_TRUE(window.findChild<QLabel*>("result_caption")->text().contains("demo engine: not a model output"));
  EXPECT_EQ(window.history()->size(), 1);
}

TEST(Generation, CancelStopsWithinAFewSteps) {
  GuiEnv env;
  MainWindow window(demo(20));
  window.show();
  set_quick(window, 100);
  QSignalSpy previews(window.generation(), &GenerationController::preview);
  QSignalSpy cancelled(window.generation(), &GenerationController::cancelled);
  window.generate();
  ASSERT_TRUE(wait_for([&] { return previews.count() >= 3; }));
  const int at_cancel = previews.count();
  window.cancel();
  ASSERT_TRUE(wait_for([&] { return cancelled.count() == 1; }));
  const auto run = cancelled.at(0).at(0).value<FinishedRun>();
  EXPECT_LE(static_cast<int>(run.result.step_seconds.size()), at_cancel + 2);
  EXPECT_TRUE(run.images.isEmpty());
  EXPECT_FALSE(window.generation()->busy());
  EXPECT_EQ(window.history()->size(), 0);
  std::printf("cancel requested after %d previews, run stopped after %zu steps\n", at_cancel,
              run.result.step_seconds.size());
}

TEST(Generation, GenerateWhileRunningQueuesOneRerunWithTheLatestSettings) {
  GuiEnv env;
  MainWindow window(demo(15));
  window.show();
  set_quick(window, 12);
  QSignalSpy finished(window.generation(), &GenerationController::finished);
  QSignalSpy started(window.generation(), &GenerationController::started);
  window.generate();
  ASSERT_TRUE(window.generation()->busy());
  window.findChild<SliderSpinBox*>("steps")->spin_box()->setValue(5);
  window.generate();
  window.findChild<SliderSpinBox*>("steps")->spin_box()->setValue(7);
  window.generate();  // replaces the queued one: the latest settings win
  EXPECT_TRUE(window.generation()->has_queued());
  ASSERT_TRUE(wait_for([&] { return finished.count() == 2 && !window.generation()->busy(); }));
  EXPECT_EQ(started.count(), 2);
  EXPECT_EQ(finished.at(0).at(0).value<FinishedRun>().result.request.steps, 12);
  EXPECT_EQ(finished.at(1).at(0).value<FinishedRun>().result.request.steps, 7);
  QTest::qWait(100);
  EXPECT_EQ(finished.count(), 2) << "only one re-run is queued";
}

TEST(Generation, AutoRegenerateRunsAfterEditsSettle) {
  GuiEnv env;
  QSettings().setValue("generation/debounce_ms", 50);
  MainWindow window(demo(5));
  window.show();
  set_quick(window, 4, 128);
  QSignalSpy started(window.generation(), &GenerationController::started);
  window.findChild<SliderSpinBox*>("guidance_scale")->spin_box()->setValue(8);
  QTest::qWait(150);
  EXPECT_EQ(started.count(), 0) << "off by default";
  window.set_auto_regenerate(true);
  EXPECT_TRUE(QSettings().value("generation/auto_regenerate").toBool());
  for (double g : {8.5, 9.0, 9.5}) window.findChild<SliderSpinBox*>("guidance_scale")->spin_box()->setValue(g);
  ASSERT_TRUE(wait_for([&] { return started.count() >= 1; }, 3000));
  QTest::qWait(200);
  EXPECT_EQ(started.count(), 1) << "edits within the debounce time make one run";
  EXPECT_DOUBLE_EQ(started.at(0).at(0).value<Request>().guidance_scale, 9.5);
}

TEST(Generation, SavedPngRestoresItsParametersWhenDropped) {
  GuiEnv env;
  MainWindow window(demo(1));
  window.show();
  set_quick(window, 6, 192);
  Request wanted = window.parameters()->request();
  wanted.prompt = "a (heron:1.2) standing in reeds";
  wanted.seed = -1;  // random: the saved file carries the resolved seed
  window.parameters()->set_request(wanted);
  QSignalSpy finished(window.generation(), &GenerationController::finished);
  window.generate();
  ASSERT_TRUE(wait_for([&] { return finished.count() == 1; }));
  const Request ran = finished.at(0).at(0).value<FinishedRun>().result.request;
  EXPECT_GE(ran.seed, 0);
  EXPECT_EQ(window.parameters()->request().seed, -1) << "random stays random";
  auto* reuse = window.findChild<QToolButton*>("reuse_seed");
  ASSERT_TRUE(reuse->isEnabled());
  reuse->click();
  EXPECT_EQ(window.parameters()->request().seed, ran.seed) << "reuse last fixes the seed that ran";

  const QString file = env.path("heron.png");
  ASSERT_TRUE(window.save_image(file));
  const auto text = poseforge::io::read_png_text(file.toStdString());
  ASSERT_TRUE(text.count("parameters"));
  ASSERT_TRUE(text.count("poseforge"));
  EXPECT_EQ(text.at("parameters"), ran.a1111_parameters());

  // Change everything, then drop the file onto the window.
  window.parameters()->set_request(Request{});
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(file)});
  const QPoint at = window.rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &drop);
  EXPECT_TRUE(drop.isAccepted());
  EXPECT_EQ(window.parameters()->request().to_json(), ran.to_json());
  EXPECT_EQ(window.result_view()->image().size(), QSize(192, 192));

  // A PNG without PoseForge parameters changes nothing.
  QImage(16, 16, QImage::Format_RGB888).save(env.path("plain.png"));
  EXPECT_FALSE(window.restore_from_png(env.path("plain.png")));
  EXPECT_EQ(window.parameters()->request().to_json(), ran.to_json());
}

TEST(Generation, HistoryClickRestoresParametersAndPicture) {
  GuiEnv env;
  MainWindow window(demo(1));
  window.show();
  QSignalSpy finished(window.generation(), &GenerationController::finished);
  set_quick(window, 5, 128);
  window.generate();
  ASSERT_TRUE(wait_for([&] { return finished.count() == 1; }));
  set_quick(window, 9, 160);
  window.generate();
  ASSERT_TRUE(wait_for([&] { return finished.count() == 2; }));
  auto* history = window.history();
  ASSERT_EQ(history->size(), 2);
  EXPECT_EQ(window.parameters()->request().steps, 9);
  EXPECT_TRUE(history->item(1)->toolTip().contains("Steps: 5"));

  const QRect rect = history->visualItemRect(history->item(1));  // the older run
  QTest::mouseClick(history->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
  EXPECT_EQ(window.parameters()->request().steps, 5);
  EXPECT_EQ(window.parameters()->request().seed, 77);
  EXPECT_EQ(window.result_view()->image().size(), QSize(128, 128));
  EXPECT_EQ(window.plots()->steps_plotted(), 5);
}

TEST(Generation, EngineErrorsAreShownNotThrown) {
  GuiEnv env;
  MainWindow window(std::make_shared<FailingEngine>());
  window.show();
  QSignalSpy failed(window.generation(), &GenerationController::failed);
  window.generate();
  ASSERT_TRUE(wait_for([&] { return failed.count() == 1; }));
  EXPECT_TRUE(window.findChild<QLabel*>("result_caption")->text().contains("unet.safetensors"));
  EXPECT_FALSE(window.generation()->busy());
}

TEST(DemoEngine, FollowsTheSamplerScheduleAndRejectsBadSettings) {
  DemoEngine engine({0});
  Request r;
  r.steps = 10;
  r.width = 64;
  r.height = 64;
  r.seed = 5;
  r.samples = 2;
  std::vector<double> sigmas;
  std::atomic<bool> cancel{false};
  const auto result = engine.generate(
      r, {}, [&](const Progress& p) { sigmas.push_back(p.sigma); }, cancel);
  ASSERT_EQ(result.images.size(), 2u);
  EXPECT_EQ(result.request.seed, 5);
  EXPECT_EQ(result.sigmas, step_sigmas(r.scheduler, r.steps, sdxl_scheduler_config()));
  ASSERT_EQ(sigmas.size(), 10u);
  EXPECT_TRUE(std::is_sorted(sigmas.rbegin(), sigmas.rend())) << "noise falls step by step";
  EXPECT_EQ(sigmas.back(), 0.0);
  EXPECT_EQ(engine.generate(r, {}, {}, cancel).images[0].pixels, result.images[0].pixels) << "same seed, same picture";
  r.scheduler = "Nonsense";
  EXPECT_THROW(engine.generate(r, {}, {}, cancel), poseforge::Error);
  r.scheduler = "Euler";
  r.width = 100;
  EXPECT_THROW(engine.generate(r, {}, {}, cancel), poseforge::Error);
}

TEST(ResultView, ZoomsWithWheelAndKeysAndFits) {
  GuiEnv env;
  ResultView view;
  view.resize(600, 500);
  view.show();
  QImage image(800, 800, QImage::Format_RGB888);
  image.fill(Qt::darkCyan);
  view.show_result(image, "test");
  auto* zoom = view.view();
  EXPECT_TRUE(zoom->fitting());
  const double fitted = zoom->zoom();
  EXPECT_LT(fitted, 1.0);
  QWheelEvent wheel(QPointF(100, 100), zoom->mapToGlobal(QPoint(100, 100)), {}, QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(zoom->viewport(), &wheel);
  EXPECT_NEAR(zoom->zoom(), fitted * 1.15, 1e-6);
  EXPECT_FALSE(zoom->fitting());
  QTest::keyClick(zoom, Qt::Key_Plus);
  EXPECT_NEAR(zoom->zoom(), fitted * 1.15 * 1.25, 1e-6);
  view.show_preview(image, 1);  // same size: the zoom stays
  EXPECT_NEAR(zoom->zoom(), fitted * 1.15 * 1.25, 1e-6);
  QTest::keyClick(zoom, Qt::Key_F);
  EXPECT_NEAR(zoom->zoom(), fitted, 1e-6);
  EXPECT_EQ(zoom->dragMode(), QGraphicsView::ScrollHandDrag);
}

TEST(LogPanel, ShowsMessagesLoggedOnOtherThreads) {
  GuiEnv env;
  MainWindow window(demo(1));
  auto* log = window.findChild<QPlainTextEdit*>("log_panel");
  ASSERT_NE(log, nullptr);
  std::thread([] { spdlog::warn("message from a worker thread"); }).join();
  EXPECT_TRUE(wait_for([&] { return log->toPlainText().contains("message from a worker thread"); }, 2000));
}

TEST(Generation, CtrlEnterStartsAndEscapeCancels) {
  GuiEnv env;
  MainWindow window(demo(20));
  window.show();
  window.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
  set_quick(window, 100, 128);
  QSignalSpy started(window.generation(), &GenerationController::started);
  QSignalSpy cancelled(window.generation(), &GenerationController::cancelled);
  auto* prompt = window.findChild<QPlainTextEdit*>("prompt");
  prompt->setFocus();
  QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
  ASSERT_TRUE(wait_for([&] { return started.count() == 1; }, 2000));
  EXPECT_FALSE(prompt->toPlainText().contains('\n')) << "Ctrl+Enter is not typed into the prompt";
  QTest::keyClick(prompt, Qt::Key_Escape);
  ASSERT_TRUE(wait_for([&] { return cancelled.count() == 1; }, 3000));
}
