// ParametersPanel: the right dock's generation settings, bound both ways to a pipeline::Request.
#pragma once

#include <cstdint>
#include <optional>

#include <QSize>
#include <QVector>
#include <QWidget>

#include "core/pipeline/request.h"

class QComboBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

namespace poseforge::ui {

class LoraList;
class SliderSpinBox;

// SDXL's trained aspect ratios (about one megapixel each), offered as size presets.
const QVector<QSize>& sdxl_size_presets();

// Widgets (object names in quotes, for tests and style sheets): "prompt", "negative_prompt"
// (QPlainTextEdit, weighting syntax highlighted); SliderSpinBox "ip_adapter_scale" (0-1.5),
// "controlnet_scale" (0-2), "steps" (1-100), "guidance_scale" (1-20), and in the "advanced" section
// (collapsed; "advanced_toggle" opens it) "control_start", "control_end" (0-1, start < end kept);
// QComboBox "scheduler" with QComboBox "schedule" beside it (the sampler is ignored, and disabled,
// on "Model default"); seed: QComboBox "seed_mode" (Random / Fixed), QDoubleSpinBox "seed",
// QToolButton "reuse_seed"; size: QComboBox "size_preset" (the SDXL sizes + Custom), QSpinBox
// "width" / "height" (multiples of 8); QSpinBox "samples" (1-4).
class ParametersPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ParametersPanel(QWidget* parent = nullptr);

  // The settings as a Request: the last set_request()'s inputs (pose, image prompts) plus the
  // widgets' values. Seed -1 in Random mode.
  pipeline::Request request() const;
  // Shows `request`'s settings (values outside the widgets' ranges are clamped) and keeps its
  // inputs. Emits nothing: changed() is for the user's edits.
  void set_request(const pipeline::Request& request);
  // Replaces only the inputs (pose image, pose JSON, image prompts): for the left docks. Emits changed().
  void set_inputs(const std::string& pose_image, const std::string& pose_json,
                  const std::vector<pipeline::ImagePrompt>& image_prompts);
  // The seed a finished run used: enables "reuse last".
  void set_last_seed(std::optional<std::int64_t> seed);
  void set_advanced_open(bool open);
  // The models folder: its checkpoints/ fill the "checkpoint" combo (first entry "Default": the SDXL folder,
  // else the first checkpoint), its loras/ is where "Add LoRA…" starts and LoRA names are relative to.
  void set_models_folder(const QString& root);

 signals:
  void changed();  // any setting edited by the user

 private:
  QWidget* build_prompts();
  QWidget* build_sampling();
  QWidget* build_seed();
  QWidget* build_size();
  QWidget* build_advanced();
  void keep_control_order(bool start_moved);
  void sync_size_preset();
  void update_seed_mode();

  pipeline::Request request_;  // inputs and settings the widgets do not show
  std::optional<std::int64_t> last_seed_;
  bool updating_ = false;  // set_request in progress: no changed()
  QPlainTextEdit* prompt_ = nullptr;
  QPlainTextEdit* negative_ = nullptr;
  SliderSpinBox* ip_scale_ = nullptr;
  SliderSpinBox* control_scale_ = nullptr;
  SliderSpinBox* steps_ = nullptr;
  SliderSpinBox* guidance_ = nullptr;
  SliderSpinBox* control_start_ = nullptr;
  SliderSpinBox* control_end_ = nullptr;
  QComboBox* scheduler_ = nullptr;
  QComboBox* schedule_ = nullptr;
  QComboBox* seed_mode_ = nullptr;
  QDoubleSpinBox* seed_ = nullptr;
  QToolButton* reuse_seed_ = nullptr;
  QComboBox* size_preset_ = nullptr;
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QSpinBox* samples_ = nullptr;
  QToolButton* advanced_toggle_ = nullptr;
  QWidget* advanced_ = nullptr;
  LoraList* lora_list_ = nullptr;     // "lora_list": the request's LoRAs with weights
  QComboBox* checkpoint_ = nullptr;   // "checkpoint": request.checkpoint ("" = Default)
};

}  // namespace poseforge::ui
