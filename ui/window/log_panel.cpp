// LogPanel: a mutex-guarded target pointer inside the sink; QMetaObject::invokeMethod queues lines.
#include "ui/window/log_panel.h"

#include <algorithm>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <QPointer>

namespace poseforge::ui {
namespace {

class ForwardingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void attach(LogPanel* panel) {
    std::lock_guard<std::mutex> lock(target_mutex_);
    target_ = panel;
  }
  void detach(LogPanel* panel) {
    std::lock_guard<std::mutex> lock(target_mutex_);
    if (target_ == panel) target_ = nullptr;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    QString line = QString::fromUtf8(formatted.data(), static_cast<int>(formatted.size())).trimmed();
    const int level = static_cast<int>(msg.level);
    std::lock_guard<std::mutex> lock(target_mutex_);
    if (!target_) return;
    // The functor runs in the panel's thread; Qt drops it if the panel is deleted before then.
    QMetaObject::invokeMethod(
        target_, [panel = target_, line, level] { panel->append(line, level); }, Qt::QueuedConnection);
  }
  void flush_() override {}

 private:
  std::mutex target_mutex_;
  LogPanel* target_ = nullptr;
};

const std::shared_ptr<ForwardingSink>& forwarding_sink() {
  static const auto sink = [] {
    auto s = std::make_shared<ForwardingSink>();
    s->set_pattern("%H:%M:%S.%e %l %v");
    return s;
  }();
  return sink;
}

}  // namespace

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
  setObjectName("log_panel");
  setReadOnly(true);
  setMaximumBlockCount(2000);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  install_log_sink();
  forwarding_sink()->attach(this);
}

LogPanel::~LogPanel() {
  forwarding_sink()->detach(this);
}

void LogPanel::install_log_sink() {
  auto logger = spdlog::default_logger();
  auto& sinks = logger->sinks();
  if (std::find(sinks.begin(), sinks.end(), forwarding_sink()) == sinks.end()) sinks.push_back(forwarding_sink());
}

void LogPanel::append(const QString& line, int level) {
  QString colour = "palette(text)";
  if (level >= spdlog::level::err) {
    colour = "#d03030";
  } else if (level == spdlog::level::warn) {
    colour = "#c06a00";
  } else if (level <= spdlog::level::debug) {
    colour = "gray";
  }
  appendHtml(QString("<span style=\"color:%1\">%2</span>").arg(colour, line.toHtmlEscaped()));
}

}  // namespace poseforge::ui
