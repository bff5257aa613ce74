// Qt test helpers for gtest: one offscreen QApplication, settings and the user data folder in a
// temp dir, drops, waiting.
#pragma once

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QMimeData>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

namespace poseforge::test {

// The process's QApplication on the offscreen platform (created on first use).
inline QApplication& gui_app() {
  static int argc = 1;
  static char arg0[] = "poseforge_gui_test";
  static char* argv[] = {arg0, nullptr};
  static QApplication* instance = [] {
    // Offscreen unless a platform is given (CTest gives offscreen; xvfb-run with QT_QPA_PLATFORM=xcb
    // renders the tests' POSEFORGE_SCREENSHOT_DIR pictures through a real X server).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);  // pasted pictures go to a test cache, not the user's
    auto* a = new QApplication(argc, argv);
    QApplication::setOrganizationName("PoseForgeTest");
    QApplication::setApplicationName("PoseForgeTest");
    return a;
  }();
  return *instance;
}

// A path as Qt wants it.
inline QString qpath(const std::filesystem::path& p) {
  return QString::fromStdString(p.string());
}

// QSettings of this test in a fresh temp folder (kept while the object lives).
class TempSettings {
 public:
  TempSettings() { QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.path()); }
  QString path() const { return dir_.path(); }

 private:
  QTemporaryDir dir_;
};

// Construct first in a test: QSettings and POSEFORGE_DATA_DIR (presets, last session) point into a
// fresh temporary folder.
class GuiEnv {
 public:
  GuiEnv() {
    gui_app();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.filePath("settings"));
    QSettings().clear();
    qputenv("POSEFORGE_DATA_DIR", dir_.filePath("data").toUtf8());
  }
  QString path(const QString& name) const { return dir_.filePath(name); }

 private:
  QTemporaryDir dir_;
};

// Processes events until `done` or `timeout_ms`; true when `done`.
inline bool wait_for(const std::function<bool()>& done, int timeout_ms = 10000) {
  return QTest::qWaitFor(done, timeout_ms);
}

// Drags `mime` onto `target` at its centre and drops it, as a file manager would. Returns whether
// the widget accepted the drag (the drop is only sent then).
inline bool drag_and_drop(QWidget* target, QMimeData* mime) {
  const QPoint at = target->rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

inline bool drop_files(QWidget* target, const QStringList& files) {
  QMimeData mime;
  QList<QUrl> urls;
  for (const QString& f : files) urls.append(QUrl::fromLocalFile(f));
  mime.setUrls(urls);
  return drag_and_drop(target, &mime);
}

// CPU time the calling thread has used, in milliseconds. UI watchdogs measure the UI thread's busy stretches with
// it: on a loaded machine an idle thread can still wait hundreds of milliseconds for a core, which says nothing
// about what the UI does, while work on the UI thread shows up as its own CPU time.
inline qint64 thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<qint64>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

// Processes events until done() or the timeout; *worst_gap_ms gets the most UI-thread CPU time between two ticks
// of a 5 ms timer (the longest the UI thread was busy).
inline bool wait_until(const std::function<bool()>& done, int timeout_ms, qint64* worst_gap_ms = nullptr) {
  QElapsedTimer clock;
  clock.start();
  qint64 last = thread_cpu_ms(), worst = 0;
  QTimer ticker;
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = thread_cpu_ms();
    worst = std::max(worst, now - last);
    last = now;
  });
  ticker.start(5);
  while (!done() && clock.elapsed() < timeout_ms) QTest::qWait(5);
  if (worst_gap_ms != nullptr) *worst_gap_ms = worst;
  return done();
}

}  // namespace poseforge::test
