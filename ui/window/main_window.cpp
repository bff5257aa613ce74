// MainWindow: toolbar, central result view, dockable input/settings/history/plot panels.
#include "ui/window/main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include "core/paths.h"
#include "core/pose/pose_json.h"
#include "core/presets/preset_store.h"
#include "ui/generation/cpu_start.h"
#include "ui/generation/demo_engine.h"
#include "ui/generation/generation_controller.h"
#include "ui/image_prompts/image_prompt_panel.h"
#include "ui/window/log_panel.h"
#include "ui/window/low_vram_offer.h"
#include "ui/settings/engine_settings.h"
#include "ui/generation/parameters_panel.h"
#include "ui/settings/engine_settings.h"
#include "ui/results/plots_panel.h"
#include "ui/results/png_metadata.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_panel.h"
#include "ui/generation/preset_bar.h"
#include "ui/results/result_view.h"
#include "ui/generation/sampler_schedule.h"

namespace poseforge::ui {
namespace {

constexpr int kDefaultDebounceMs = 600;

// Saves `pose` as <user data>/poses/pose-<hash>.json (the same pose, the same file) and returns it.
std::filesystem::path save_pose_snapshot(const pose::Pose& pose) {
  const std::string text = pose::pose_to_json(pose).dump();
  const auto folder = user_data_dir() / "poses";
  std::filesystem::create_directories(folder);
  const auto file = folder / ("pose-" + std::to_string(std::hash<std::string>{}(text)) + ".json");
  if (!std::filesystem::exists(file)) pose::save_pose_json(file, pose);
  return file;
}

QWidget* scrollable(QWidget* content) {
  auto* area = new QScrollArea;
  area->setWidget(content);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  area->setMinimumWidth(content->sizeHint().width() + 24);
  return area;
}

// "demo engine: not a model output · seed 42 · 1024×1024 · Euler (SGM Uniform), 4 steps · 2.1 s" (the schedule
// when it is not Automatic)
QString caption_for(const GenerationResult& result, int index, int count) {
  const auto& r = result.request;
  QStringList parts;
  if (!result.note.empty()) parts << QString::fromStdString(result.note);
  parts << QString("seed %1").arg(r.seed) << QString("%1×%2").arg(r.width).arg(r.height)
        << QString("%1%2, %3 steps")
               .arg(QString::fromStdString(r.scheduler))
               .arg(r.schedule.empty() || r.schedule == "Automatic" ? QString()
                                                                    : QString(" (%1)").arg(QString::fromStdString(r.schedule)))
               .arg(r.steps);
  double total = 0;
  for (double s : result.step_seconds) total += s;
  parts << QString("%1 s").arg(total, 0, 'f', 1);
  if (count > 1) parts << QString("image %1 of %2").arg(index + 1).arg(count);
  if (result.pose_adherence && index == 0) {  // measured on the first image
    parts << QString("pose adherence %1").arg(*result.pose_adherence, 0, 'f', 2);
  }
  QString caption = parts.join(" · ");
  if (!result.pose_message.empty() && index == 0) caption += "\n" + QString::fromStdString(result.pose_message);
  return caption;
}

}  // namespace

MainWindow::MainWindow(std::shared_ptr<GenerationEngine> engine, QWidget* parent)
    : QMainWindow(parent), engine_(engine ? std::move(engine) : std::make_shared<DemoEngine>()) {
  setWindowTitle("PoseForge");
  setObjectName("MainWindow");
  resize(1400, 900);
  setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);
  setAcceptDrops(true);

  generation_ = std::make_unique<GenerationController>(engine_);
  store_ = std::make_shared<presets::PresetStore>(user_data_dir() / "presets");
  result_view_ = new ResultView;
  setCentralWidget(result_view_);
  parameters_ = new ParametersPanel;
  parameters_->set_models_folder(QString::fromStdString(load_engine_settings().models_root.string()));
  history_ = new HistoryStrip;
  plots_ = new PlotsPanel;
  log_panel_ = new LogPanel;
  build_toolbar();
  // clang-format off

  pose_panel_ = new PosePanel;
  add_dock("Pose reference", "PoseDock", Qt::LeftDockWidgetArea, pose_panel_);
  image_prompt_panel_ = new ImagePromptPanel;
  add_dock("Image prompt", "ImagePromptDock", Qt::LeftDockWidgetArea, image_prompt_panel_);
  connect(image_prompt_panel_, &ImagePromptPanel::mask_paint_requested, this, &MainWindow::open_mask_painter);
  connect(image_prompt_panel_, &ImagePromptPanel::prompts_changed, this, [this] {  // types, start/end, masks
    if (auto_action_->isChecked()) debounce_->start();
  });
  add_dock("Parameters", "ParametersDock", Qt::RightDockWidgetArea,
           scrollable(parameters_));
  // clang-format on
  add_dock("History", "HistoryDock", Qt::BottomDockWidgetArea, history_);
  add_dock("Plots", "PlotsDock", Qt::BottomDockWidgetArea, plots_);
  auto* log_dock = add_dock("Log", "LogDock", Qt::BottomDockWidgetArea, log_panel_);
  tabifyDockWidget(findChild<QDockWidget*>("PlotsDock"), log_dock);
  findChild<QDockWidget*>("PlotsDock")->raise();
  resizeDocks({findChild<QDockWidget*>("HistoryDock")}, {190}, Qt::Vertical);

  device_label_ = new QLabel;
  device_label_->setObjectName("device_status");
  model_label_ = new QLabel;
  model_label_->setObjectName("model_status");
  statusBar()->addPermanentWidget(model_label_);
  statusBar()->addPermanentWidget(device_label_);
  refresh_engine_status();

  connect_generation();
  restore_session();
  restore_layout();
  const pipeline::Request r = parameters_->request();
  pose_panel_->set_output_size({r.width, r.height});
}

MainWindow::~MainWindow() = default;

void MainWindow::build_toolbar() {
  auto* toolbar = addToolBar("Main");
  toolbar->setObjectName("MainToolBar");
  toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  generate_action_ = toolbar->addAction("Generate", this, &MainWindow::generate);
  generate_action_->setObjectName("generate_action");
  generate_action_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
  generate_action_->setShortcutContext(Qt::ApplicationShortcut);
  generate_action_->setToolTip("Generate (Ctrl+Enter); while a run is going, queues a re-run with the latest settings");
  cancel_action_ = toolbar->addAction("Cancel", this, &MainWindow::cancel);
  cancel_action_->setObjectName("cancel_action");
  cancel_action_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancel_action_->setToolTip("Cancel the run (Esc)");
  cancel_action_->setEnabled(false);
  toolbar->addSeparator();
  preset_bar_ = new PresetBar(store_, [this] {
    auto request = parameters_->request();
    request.image_prompts = image_prompt_panel_->prompts();  // a preset keeps their controls
    return request;
  });
  toolbar->addWidget(preset_bar_);
  toolbar->addSeparator();
  save_action_ = toolbar->addAction("Save image", this, &MainWindow::ask_save);
  save_action_->setObjectName("save_action");
  save_action_->setShortcut(QKeySequence::Save);
  save_action_->setEnabled(false);
  auto_action_ = toolbar->addAction("Auto-regenerate");
  auto_action_->setObjectName("auto_regenerate_action");
  auto_action_->setCheckable(true);
  auto_action_->setToolTip("Generate again shortly after any setting changes");
  auto_action_->setChecked(QSettings().value("generation/auto_regenerate", false).toBool());
  connect(auto_action_, &QAction::toggled, this, &MainWindow::set_auto_regenerate);
  detected_pose_action_ = toolbar->addAction("Show detected pose");
  detected_pose_action_->setObjectName("show_detected_pose_action");
  detected_pose_action_->setCheckable(true);
  detected_pose_action_->setToolTip("Draw the skeleton detected in the result over it (measured for pose adherence)");
  connect(detected_pose_action_, &QAction::toggled, this, &MainWindow::set_show_detected_pose);
  toolbar->addSeparator();
  settings_action_ = toolbar->addAction("Settings…", this, [this] { open_settings(); });
  settings_action_->setObjectName("settings_action");
  settings_action_->setShortcut(QKeySequence::Preferences);
  settings_action_->setToolTip("Models folder, device, precision, low-VRAM mode");
  auto* spacer = new QWidget;
  spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  toolbar->addWidget(spacer);
  const EngineInfo info = generation_->engine_info();
  engine_label_ =
      new QLabel(QString("%1 · %2  ").arg(QString::fromStdString(info.device), QString::fromStdString(info.name)));
  engine_label_->setObjectName("device_label");
  toolbar->addWidget(engine_label_);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(QSettings().value("generation/debounce_ms", kDefaultDebounceMs).toInt());
  connect(debounce_, &QTimer::timeout, this, &MainWindow::generate);
  connect(parameters_, &ParametersPanel::changed, this, [this] {
    const pipeline::Request r = parameters_->request();
    pose_panel_->set_output_size({r.width, r.height});
    if (auto_action_->isChecked()) debounce_->start();
  });
  connect(preset_bar_, &PresetBar::apply, this, [this](const presets::Preset& preset) {
    pipeline::Request request = parameters_->request();
    preset.apply_to(request);
    parameters_->set_request(request);
    image_prompt_panel_->apply_preset_controls(preset.image_prompts);
    status(QString("Preset '%1' applied").arg(QString::fromStdString(preset.name)));
    if (auto_action_->isChecked()) debounce_->start();
  });
  connect(preset_bar_, &PresetBar::message, this, &MainWindow::status);
  // Preset files skipped at start were reported before this connection: one status message for them
  // once the window is up (each is also in the Log panel).
  if (const auto& skipped = store_->last_problems(); !skipped.empty()) {
    note_at_start(skipped.size() == 1 ? QString("a preset file was skipped (the Log panel says why)")
                                      : QString("%1 preset files were skipped (the Log panel says why)")
                                            .arg(skipped.size()));
  }
}

void MainWindow::connect_generation() {
  auto* g = generation_.get();
  connect(g, &GenerationController::started, this, [this](const pipeline::Request& request) {
    result_view_->start(request.steps);
    result_view_->set_caption(QString("Generating %1×%2, %3 steps of %4…")
                                  .arg(request.width)
                                  .arg(request.height)
                                  .arg(request.steps)
                                  .arg(QString::fromStdString(request.scheduler)));
    std::vector<double> schedule;
    try {
      schedule = step_sigmas(request.scheduler, request.steps, sdxl_scheduler_config(), request.schedule);
    } catch (const std::exception& e) {
      spdlog::warn("no sigma schedule to plot: {}", e.what());
    }
    plots_->start(schedule);
    status(QString("Generating %1 steps…").arg(request.steps));
  });
  connect(g, &GenerationController::preview, result_view_, &ResultView::show_preview);
  connect(g, &GenerationController::progress, this, [this](const Progress& p) {
    result_view_->show_progress(p);
    plots_->add_step(p.step, p.seconds_per_step);
    plots_->mark_step(p.step);
  });
  connect(g, &GenerationController::finished, this, &MainWindow::on_finished);
  connect(g, &GenerationController::cancelled, this, [this](const FinishedRun& run) {
    const auto& r = run.result;
    result_view_->show_stopped(
        QString("cancelled after %1 of %2 steps").arg(r.step_seconds.size()).arg(r.request.steps));
    status("Cancelled");
  });
  connect(g, &GenerationController::failed, this, [this](const QString& message) {
    result_view_->show_stopped("failed");
    result_view_->set_caption("Generation failed: " + message);
    status("Generation failed: " + message);
  });
  connect(g, &GenerationController::out_of_memory, this, [this](const QString& message) {
    offer_low_vram_mode(this, message, load_engine_settings().options.low_vram, [this] {
      EngineSettings settings = load_engine_settings();
      settings.options.low_vram = true;
      save_engine_settings(settings);
      apply_settings();
    });
  });
  connect(g, &GenerationController::queued_changed, this, [this](bool queued) {
    if (queued) status("A re-run with the latest settings starts when this run ends");
  });
  connect(g, &GenerationController::busy_changed, this, [this](bool busy) {
    cancel_action_->setEnabled(busy);
    refresh_engine_status();
  });
}

void MainWindow::on_finished(const FinishedRun& run) {
  const auto& result = run.result;
  for (int i = run.images.size() - 1; i >= 0; --i) {
    history_->add({run.images[i], result.request, caption_for(result, i, run.images.size()), result.step_seconds,
                   result.sigmas, i == 0 ? result.detected_pose : std::nullopt});
  }
  if (!run.images.isEmpty()) show_entry(history_->entry(0));
  plots_->set_schedule(result.sigmas);
  plots_->mark_step(static_cast<int>(result.sigmas.size()) - 1);
  parameters_->set_last_seed(result.request.seed);
  status(QString("Done: seed %1").arg(result.request.seed));
}

void MainWindow::refresh_engine_status() {
  const EngineInfo info = generation_->engine_info();
  QString device = QString("Device: %1").arg(QString::fromStdString(info.device));
  if (!info.memory.empty()) device += " · " + QString::fromStdString(info.memory);
  device_label_->setText(device);
  engine_label_->setText(QString("%1 · %2  ").arg(QString::fromStdString(info.device), QString::fromStdString(info.name)));
  model_label_->setText(QString::fromStdString(info.model_state));
  result_view_->set_badge(info.demo ? QString::fromStdString(info.badge) : QString());
}

void MainWindow::show_entry(const HistoryEntry& entry) {
  current_ = entry;
  result_view_->show_result(shown_image(), entry.caption);
  save_action_->setEnabled(!entry.image.isNull());
}

void MainWindow::generate() {
  debounce_->stop();
  pipeline::Request request = parameters_->request();
  pipeline::Inputs inputs;
  // The left docks: the pose as edited (its control image, and a JSON copy so the run's parameters
  // name the exact pose), the reference photo, the image prompts with their pixels.
  request.pose_image = pose_panel_->reference_path().toStdString();
  request.pose_json.clear();
  if (!pose_panel_->pose().empty()) {
    try {
      request.pose_json = save_pose_snapshot(pose_panel_->pose()).string();
    } catch (const std::exception& e) {
      spdlog::warn("pose not saved with the run: {}", e.what());
    }
  }
  const pose::DrawParts& parts = pose_panel_->document()->shown_parts();
  request.pose_body = parts.body, request.pose_hands = parts.hands, request.pose_face = parts.face;
  inputs.control_image = pose_panel_->control_image(request.width, request.height);
  if (!pose_panel_->pose().empty()) inputs.pose = pose_panel_->pose();  // for pose adherence
  request.image_prompts = image_prompt_panel_->prompts();
  request.ip_negative_image = image_prompt_panel_->negative_path().toStdString();
  inputs.image_prompts = engine_image_prompts(image_prompt_panel_->inputs());
  inputs.negative_image_prompt = image_prompt_panel_->negative_pixels();
  generation_->generate(request, inputs);
}

void MainWindow::cancel() {
  debounce_->stop();
  generation_->cancel();
}

void MainWindow::set_auto_regenerate(bool on) {
  if (auto_action_->isChecked() != on) auto_action_->setChecked(on);  // re-enters through toggled
  QSettings().setValue("generation/auto_regenerate", on);
  if (!on) debounce_->stop();
}

bool MainWindow::save_image(const QString& path) {
  try {
    save_result_png(path.toStdString(), current_.image, current_.request);
    status(QString("Saved %1").arg(path));
    spdlog::info("saved '{}'", path.toStdString());
    return true;
  } catch (const std::exception& e) {
    status(QString("Not saved: %1").arg(e.what()));
    spdlog::error("{}", e.what());
    return false;
  }
}

void MainWindow::ask_save() {
  if (current_.image.isNull()) return;
  const QString name = QString("poseforge-%1.png").arg(current_.request.seed);
  const QString path = QFileDialog::getSaveFileName(this, "Save image", name, "PNG images (*.png)");
  if (!path.isEmpty()) save_image(path);
}

void MainWindow::status(const QString& text) {
  statusBar()->showMessage(text, 8000);
}

void MainWindow::note_at_start(const QString& text, bool first) {
  // Once the event loop runs (after the start-up messages the caller shows: the models found), all in
  // one message, so a later note does not hide an earlier one.
  if (start_notes_.isEmpty()) {
    QTimer::singleShot(0, this, [this] {
      statusBar()->showMessage(start_notes_.join("  ·  "), 15000);
      start_notes_.clear();
    });
  }
  if (first) {
    start_notes_.prepend(text);
  } else {
    start_notes_ << text;
  }
}

void MainWindow::restore_session() {
  connect(history_, &HistoryStrip::restore, this, [this](const HistoryEntry& entry) {
    parameters_->set_request(entry.request);
    restore_inputs(entry.request);
    show_entry(entry);
    plots_->set_schedule(entry.sigmas);
    plots_->set_step_times(entry.step_seconds);
  });
  try {
    if (auto last = store_->load_last_session()) {
      parameters_->set_request(*last);
      preset_bar_->show_no_selection();  // the settings are the session's, not a preset's
      return;
    }
  } catch (const std::exception& e) {
    spdlog::warn("last session not restored: {}", e.what());
  }
  if (auto first = preset_bar_->selected()) preset_bar_->select(first->name);  // first start
  if (const auto start = cpu_start(parameters_->request(), generation_->engine_info())) {
    parameters_->set_request(start->request);
    preset_bar_->show_no_selection();
    spdlog::info("{}", start->reason);
    note_at_start(QString::fromStdString(start->reason), /*first=*/true);
  }
}

QDockWidget* MainWindow::add_dock(const QString& title, const QString& object_name, Qt::DockWidgetArea area,
                                  QWidget* content) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(object_name);
  dock->setWidget(content);
  addDockWidget(area, dock);
  return dock;
}

void MainWindow::restore_layout() {
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  try {
    store_->save_last_session(parameters_->request());
  } catch (const std::exception& e) {
    spdlog::warn("last session not saved: {}", e.what());
  }
  event->accept();
}

}  // namespace poseforge::ui
