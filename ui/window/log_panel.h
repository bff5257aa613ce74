// LogPanel: the log dock, fed by an spdlog sink that forwards messages to the UI thread.
#pragma once

#include <QPlainTextEdit>

namespace poseforge::ui {

// On construction, attaches to one process-wide forwarding sink, added to spdlog's default logger
// if it is not there yet (install_log_sink()); messages logged on any thread reach append() through
// a queued call. The destructor detaches it, so a message logged later is dropped, never delivered
// to a deleted panel. Object name "log_panel".
class LogPanel : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit LogPanel(QWidget* parent = nullptr);
  ~LogPanel() override;

  // Adds the forwarding sink to spdlog's current default logger (again after init_logging replaced
  // it); a no-op when it is there already. Call from the UI thread.
  static void install_log_sink();

 public slots:
  void append(const QString& line, int level);  // level: spdlog::level::level_enum
};

}  // namespace poseforge::ui
