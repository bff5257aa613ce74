// MainWindow: the layout of DESIGN.md as docks around the result view; generation, presets, history.
#pragma once

#include <memory>

#include <QImage>
#include <QMainWindow>
#include <QStringList>

#include "ui/generation/generation_engine.h"
#include "ui/results/history_strip.h"

class QAction;
class QLabel;
class QDockWidget;
class QTimer;

namespace poseforge::presets {
class PresetStore;
}

namespace poseforge::ui {

class ImagePromptPanel;
class MaskPaintDialog;
class PosePanel;
class SettingsDialog;

class GenerationController;
class HistoryStrip;
class LogPanel;
class ParametersPanel;
class PlotsPanel;
class PresetBar;
class ResultView;
struct FinishedRun;

// The engine is passed in (nullptr: a DemoEngine). Presets live in user_data_dir()/presets; the
// last session's settings are restored at start and saved at close; the layout and the
// "generation/auto_regenerate" option live in QSettings.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(std::shared_ptr<GenerationEngine> engine = nullptr, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts a run with the panel's settings, or queues one re-run when a run is going (Ctrl+Enter).
  void generate();
  void cancel();  // Esc
  // Saves the shown picture as a PoseForge PNG; false (with a status message) when it cannot.
  bool save_image(const QString& path);
  // Restores the settings (and shows the picture) of a PoseForge PNG; false when it has none.
  bool restore_from_png(const QString& path);
  void set_auto_regenerate(bool on);
  // Fills the left docks from a run's parameters: its pose (pose_json when the file exists, else
  // the pose_image photo) and its image prompts. Missing files: a status message. True when all
  // named inputs were restored.
  bool restore_inputs(const pipeline::Request& request);

  // Opens the settings dialog (window-modal, returns at once); OK switches engines (apply_settings).
  SettingsDialog* open_settings();
  // Opens the mask painter for image prompt `index` over the pose reference (window-modal, returns at
  // once; null for no such prompt); OK gives the prompt the painted mask (main_window_masks.cpp).
  MaskPaintDialog* open_mask_painter(int index);
  // choose_engine on the stored settings (load_engine_settings), then set_engine.
  void apply_settings();
  // Replaces the engine; a run in progress is cancelled first.
  void set_engine(std::shared_ptr<GenerationEngine> engine);
  // Shows the skeleton detected in the result over it ("Show detected pose" action).
  void set_show_detected_pose(bool on);

  ParametersPanel* parameters() const { return parameters_; }
  PresetBar* preset_bar() const { return preset_bar_; }
  ResultView* result_view() const { return result_view_; }
  HistoryStrip* history() const { return history_; }
  PlotsPanel* plots() const { return plots_; }
  GenerationController* generation() const { return generation_.get(); }

  // The inputs (left docks): pose + control image, and the image prompts.
  PosePanel* pose_panel() const { return pose_panel_; }
  ImagePromptPanel* image_prompt_panel() const { return image_prompt_panel_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  QDockWidget* add_dock(const QString& title, const QString& object_name, Qt::DockWidgetArea area, QWidget* content);
  void restore_layout();
  void build_toolbar();
  void connect_generation();
  void restore_session();
  void on_finished(const FinishedRun& run);
  void show_entry(const HistoryEntry& entry);
  void ask_save();
  void status(const QString& text);
  // Shown with the other start-up notes, in one message, once the window is up (`first`: before them).
  void note_at_start(const QString& text, bool first = false);
  void refresh_engine_status();  // device, memory, model state, demo badge
  QImage shown_image() const;    // current_'s picture, with the detected skeleton when asked for

  std::shared_ptr<GenerationEngine> engine_;
  std::unique_ptr<GenerationController> generation_;
  std::shared_ptr<presets::PresetStore> store_;
  QStringList start_notes_;  // note_at_start: shown together once the event loop runs
  ResultView* result_view_ = nullptr;
  PosePanel* pose_panel_ = nullptr;
  ImagePromptPanel* image_prompt_panel_ = nullptr;
  ParametersPanel* parameters_ = nullptr;
  PresetBar* preset_bar_ = nullptr;
  HistoryStrip* history_ = nullptr;
  PlotsPanel* plots_ = nullptr;
  LogPanel* log_panel_ = nullptr;
  QAction* generate_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* save_action_ = nullptr;
  QAction* auto_action_ = nullptr;
  QAction* settings_action_ = nullptr;
  QAction* detected_pose_action_ = nullptr;
  QLabel* engine_label_ = nullptr;  // toolbar: device · engine name
  QTimer* debounce_ = nullptr;
  QLabel* device_label_ = nullptr;
  QLabel* model_label_ = nullptr;
  HistoryEntry current_;  // the picture shown (what Save writes) and its settings
};

}  // namespace poseforge::ui
