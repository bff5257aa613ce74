// ParametersPanel: widgets for every generation setting; request() / set_request() bind them.
#include "ui/generation/parameters_panel.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/generation/lora_list.h"
#include "core/error.h"
#include "core/pipeline/sampler_name.h"
#include "ui/generation/prompt_highlighter.h"
#include "ui/generation/sampler_schedule.h"
#include "ui/common/slider_spin_box.h"

namespace poseforge::ui {
namespace {

constexpr double kControlGap = 0.01;  // the least distance kept between control start and end
constexpr std::int64_t kMaxSeed = 4294967295LL;

QPlainTextEdit* prompt_edit(const QString& name, const QString& placeholder, int lines) {
  auto* edit = new QPlainTextEdit;
  edit->setObjectName(name);
  edit->setPlaceholderText(placeholder);
  edit->setTabChangesFocus(true);
  edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 12);
  new PromptHighlighter(edit->document());
  return edit;
}

SliderSpinBox* slider(const QString& name, double lo, double hi, double step, int decimals, const QString& tip) {
  auto* s = new SliderSpinBox(lo, hi, step, decimals);
  s->setObjectName(name);
  s->setToolTip(tip);
  return s;
}

int multiple_of_8(int v) {
  return std::max(64, static_cast<int>(std::lround(v / 8.0)) * 8);
}

QGroupBox* group(const QString& title, QLayout* layout) {
  auto* box = new QGroupBox(title);
  box->setLayout(layout);
  return box;
}

}  // namespace

const QVector<QSize>& sdxl_size_presets() {
  static const QVector<QSize> sizes = {{1024, 1024}, {1152, 896}, {896, 1152}, {1216, 832}, {832, 1216},
                                       {1344, 768},  {768, 1344}, {1536, 640}, {640, 1536}};
  return sizes;
}

ParametersPanel::ParametersPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(build_prompts());
  layout->addWidget(build_sampling());
  checkpoint_ = new QComboBox;
  checkpoint_->setObjectName("checkpoint");
  checkpoint_->setToolTip("The model: a single-file checkpoint from <models>/checkpoints, or the default");
  checkpoint_->addItem("Default", QString());
  lora_list_ = new LoraList;
  lora_list_->setObjectName("lora_list");
  connect(lora_list_, &LoraList::changed, this, [this] {
    if (!updating_) emit changed();
  });
  connect(checkpoint_, &QComboBox::currentIndexChanged, this, [this] {
    if (!updating_) emit changed();
  });
  auto* model = new QVBoxLayout;
  model->addWidget(checkpoint_);
  model->addWidget(lora_list_);
  layout->addWidget(group("Model and LoRAs", model));
  layout->addWidget(build_seed());
  layout->addWidget(build_size());
  layout->addWidget(build_advanced());
  layout->addStretch(1);
  set_request(pipeline::Request{});
  set_advanced_open(false);
}

QWidget* ParametersPanel::build_prompts() {
  prompt_ = prompt_edit("prompt", "Prompt: what the picture shows. (word:1.3) stresses, [word] softens.", 4);
  negative_ = prompt_edit("negative_prompt", "Negative prompt: what to avoid", 2);
  for (auto* edit : {prompt_, negative_}) {
    connect(edit, &QPlainTextEdit::textChanged, this, [this] {
      if (!updating_) emit changed();
    });
  }
  auto* layout = new QVBoxLayout;
  layout->addWidget(prompt_);
  layout->addWidget(negative_);
  return group("Prompt", layout);
}

QWidget* ParametersPanel::build_sampling() {
  ip_scale_ = slider("ip_adapter_scale", 0, 1.5, 0.05, 2, "How strongly the image prompt steers the picture");
  control_scale_ = slider("controlnet_scale", 0, 2, 0.05, 2, "How strongly the pose is followed");
  steps_ = slider("steps", 1, 100, 1, 0, "Denoising steps");
  guidance_ = slider("guidance_scale", 1, 20, 0.5, 1, "Classifier-free guidance: how literally the prompt is taken");
  scheduler_ = new QComboBox;
  scheduler_->setObjectName("scheduler");
  for (const auto& name : sampler_names()) scheduler_->addItem(QString::fromStdString(name));
  for (auto* s : {ip_scale_, control_scale_, steps_, guidance_}) {
    connect(s, &SliderSpinBox::value_changed, this, [this] {
      if (!updating_) emit changed();
    });
  }
  connect(scheduler_, &QComboBox::currentIndexChanged, this, [this] {
    if (!updating_) emit changed();
  });
  schedule_ = new QComboBox;
  schedule_->setObjectName("schedule");
  schedule_->setToolTip("Noise schedule: Automatic is the sampler's own or the model's; SGM Uniform (trailing) is "
                        "what Lightning, Turbo, Hyper-SD and DMD2 want; Model default runs the model folder's "
                        "scheduler as configured");
  for (const auto& name : schedule_names()) schedule_->addItem(QString::fromStdString(name));
  connect(schedule_, &QComboBox::currentIndexChanged, this, [this] {
    scheduler_->setEnabled(schedule_->currentText() != "Model default");
    if (!updating_) emit changed();
  });
  auto* sampler_row = new QHBoxLayout;
  sampler_row->setContentsMargins(0, 0, 0, 0);
  sampler_row->addWidget(scheduler_, 1);
  sampler_row->addWidget(schedule_, 1);
  auto* form = new QFormLayout;
  form->addRow("IP-Adapter", ip_scale_);
  form->addRow("ControlNet", control_scale_);
  form->addRow("Steps", steps_);
  form->addRow("Guidance", guidance_);
  form->addRow("Sampler", sampler_row);
  return group("Guidance", form);
}

QWidget* ParametersPanel::build_seed() {
  seed_mode_ = new QComboBox;
  seed_mode_->setObjectName("seed_mode");
  seed_mode_->addItems({"Random", "Fixed"});
  seed_ = new QDoubleSpinBox;
  seed_->setObjectName("seed");
  seed_->setDecimals(0);
  seed_->setRange(0, static_cast<double>(kMaxSeed));
  seed_->setKeyboardTracking(false);
  reuse_seed_ = new QToolButton;
  reuse_seed_->setObjectName("reuse_seed");
  reuse_seed_->setText("Reuse last");
  reuse_seed_->setToolTip("Fix the seed of the last finished run");
  reuse_seed_->setEnabled(false);
  connect(seed_mode_, &QComboBox::currentIndexChanged, this, [this] {
    update_seed_mode();
    if (!updating_) emit changed();
  });
  connect(seed_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this] {
    if (!updating_) emit changed();
  });
  connect(reuse_seed_, &QToolButton::clicked, this, [this] {
    if (!last_seed_) return;
    {
      const QSignalBlocker b1(seed_mode_), b2(seed_);
      seed_mode_->setCurrentIndex(1);
      seed_->setValue(static_cast<double>(*last_seed_));
    }
    update_seed_mode();
    emit changed();
  });
  auto* layout = new QHBoxLayout;
  layout->addWidget(seed_mode_);
  layout->addWidget(seed_, 1);
  layout->addWidget(reuse_seed_);
  return group("Seed", layout);
}

QWidget* ParametersPanel::build_size() {
  size_preset_ = new QComboBox;
  size_preset_->setObjectName("size_preset");
  for (const QSize& s : sdxl_size_presets()) {
    const int g = std::gcd(s.width(), s.height());
    size_preset_->addItem(
        QString("%1 × %2  (%3:%4)").arg(s.width()).arg(s.height()).arg(s.width() / g).arg(s.height() / g), s);
  }
  size_preset_->addItem("Custom", QSize());
  width_ = new QSpinBox;
  height_ = new QSpinBox;
  width_->setObjectName("width");
  height_->setObjectName("height");
  for (auto* spin : {width_, height_}) {
    spin->setRange(64, pipeline::kMaxSide);
    spin->setSingleStep(8);
    spin->setKeyboardTracking(false);
    spin->setSuffix(" px");
    connect(spin, &QSpinBox::editingFinished, this, [spin] { spin->setValue(multiple_of_8(spin->value())); });
    connect(spin, &QSpinBox::valueChanged, this, [this] {
      if (updating_) return;
      sync_size_preset();
      emit changed();
    });
  }
  connect(size_preset_, &QComboBox::activated, this, [this](int index) {
    const QSize s = size_preset_->itemData(index).toSize();
    if (s.isEmpty()) return;
    {
      const QSignalBlocker b1(width_), b2(height_);
      width_->setValue(s.width());
      height_->setValue(s.height());
    }
    emit changed();
  });
  samples_ = new QSpinBox;
  samples_->setObjectName("samples");
  samples_->setRange(1, pipeline::kMaxSamples);
  connect(samples_, &QSpinBox::valueChanged, this, [this] {
    if (!updating_) emit changed();
  });
  auto* sides = new QHBoxLayout;
  sides->addWidget(width_, 1);
  sides->addWidget(new QLabel("×"));
  sides->addWidget(height_, 1);
  auto* form = new QFormLayout;
  form->addRow("Aspect", size_preset_);
  form->addRow("Size", sides);
  form->addRow("Samples", samples_);
  return group("Size", form);
}

QWidget* ParametersPanel::build_advanced() {
  control_start_ = slider("control_start", 0, 1, 0.01, 2, "Fraction of the steps where the pose guidance starts");
  control_end_ = slider("control_end", 0, 1, 0.01, 2, "Fraction of the steps where the pose guidance stops");
  connect(control_start_, &SliderSpinBox::value_changed, this, [this] {
    keep_control_order(true);
    if (!updating_) emit changed();
  });
  connect(control_end_, &SliderSpinBox::value_changed, this, [this] {
    keep_control_order(false);
    if (!updating_) emit changed();
  });
  advanced_toggle_ = new QToolButton;
  advanced_toggle_->setObjectName("advanced_toggle");
  advanced_toggle_->setText("Advanced");
  advanced_toggle_->setCheckable(true);
  advanced_toggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  advanced_toggle_->setAutoRaise(true);
  connect(advanced_toggle_, &QToolButton::toggled, this, &ParametersPanel::set_advanced_open);
  advanced_ = new QWidget;
  advanced_->setObjectName("advanced");
  auto* form = new QFormLayout(advanced_);
  form->setContentsMargins(12, 0, 0, 0);
  form->addRow("Control start", control_start_);
  form->addRow("Control end", control_end_);
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(advanced_toggle_);
  layout->addWidget(advanced_);
  return box;
}

void ParametersPanel::set_advanced_open(bool open) {
  const QSignalBlocker block(advanced_toggle_);
  advanced_toggle_->setChecked(open);
  advanced_toggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
  advanced_->setVisible(open);
}

void ParametersPanel::keep_control_order(bool start_moved) {
  const double start = control_start_->value(), end = control_end_->value();
  if (start < end - kControlGap / 2) return;
  if (start_moved) {
    control_end_->set_value(std::min(1.0, start + kControlGap));
    if (start + kControlGap > 1.0) control_start_->set_value(1.0 - kControlGap);
  } else {
    control_start_->set_value(std::max(0.0, end - kControlGap));
    if (end - kControlGap < 0.0) control_end_->set_value(kControlGap);
  }
}

void ParametersPanel::sync_size_preset() {
  const QSize current(width_->value(), height_->value());
  const int index = sdxl_size_presets().indexOf(current);
  const QSignalBlocker block(size_preset_);
  size_preset_->setCurrentIndex(index >= 0 ? index : size_preset_->count() - 1);
}

void ParametersPanel::update_seed_mode() {
  seed_->setEnabled(seed_mode_->currentIndex() == 1);
}

void ParametersPanel::set_last_seed(std::optional<std::int64_t> seed) {
  last_seed_ = seed;
  reuse_seed_->setEnabled(seed.has_value());
  reuse_seed_->setToolTip(seed ? QString("Fix the seed of the last finished run: %1").arg(*seed)
                               : QString("Fix the seed of the last finished run"));
}

pipeline::Request ParametersPanel::request() const {
  pipeline::Request r = request_;
  r.prompt = prompt_->toPlainText().toStdString();
  r.negative_prompt = negative_->toPlainText().toStdString();
  r.ip_adapter_scale = ip_scale_->value();
  r.controlnet_scale = control_scale_->value();
  r.steps = static_cast<int>(std::lround(steps_->value()));
  r.guidance_scale = guidance_->value();
  r.control_start = control_start_->value();
  r.control_end = control_end_->value();
  r.scheduler = scheduler_->currentText().toStdString();
  r.schedule = schedule_->currentText().toStdString();
  r.seed = seed_mode_->currentIndex() == 0 ? -1 : static_cast<std::int64_t>(seed_->value());
  r.width = multiple_of_8(width_->value());
  r.height = multiple_of_8(height_->value());
  r.samples = samples_->value();
  r.loras = lora_list_->loras();
  r.checkpoint = checkpoint_->currentData().toString().toStdString();
  return r;
}

void ParametersPanel::set_inputs(const std::string& pose_image, const std::string& pose_json,
                                 const std::vector<pipeline::ImagePrompt>& image_prompts) {
  request_.pose_image = pose_image;
  request_.pose_json = pose_json;
  request_.image_prompts = image_prompts;
  emit changed();
}

void ParametersPanel::set_request(const pipeline::Request& request) {
  updating_ = true;
  request_ = request;
  prompt_->setPlainText(QString::fromStdString(request.prompt));
  negative_->setPlainText(QString::fromStdString(request.negative_prompt));
  ip_scale_->set_value(request.ip_adapter_scale);
  control_scale_->set_value(request.controlnet_scale);
  steps_->set_value(request.steps);
  guidance_->set_value(request.guidance_scale);
  control_end_->set_value(1.0);  // so that any valid start fits before the end is set
  control_start_->set_value(request.control_start);
  control_end_->set_value(request.control_end);
  const int scheduler = scheduler_->findText(QString::fromStdString(request.scheduler));
  if (scheduler >= 0) scheduler_->setCurrentIndex(scheduler);
  std::string schedule_name = request.schedule;
  try {
    schedule_name = pipeline::canonical_schedule_name(request.schedule);  // "karras" -> "Karras"
  } catch (const Error&) {
    // unknown: the combo keeps its value (the engine names the bad value when it runs)
  }
  const int schedule = schedule_->findText(QString::fromStdString(schedule_name));
  if (schedule >= 0) schedule_->setCurrentIndex(schedule);
  seed_mode_->setCurrentIndex(request.seed < 0 ? 0 : 1);
  if (request.seed >= 0) seed_->setValue(static_cast<double>(std::min(request.seed, kMaxSeed)));
  update_seed_mode();
  width_->setValue(request.width);
  height_->setValue(request.height);
  sync_size_preset();
  samples_->setValue(request.samples);
  lora_list_->set_loras(request.loras);
  const QString checkpoint = QString::fromStdString(request.checkpoint);
  if (checkpoint_->findData(checkpoint) < 0) checkpoint_->addItem(QFileInfo(checkpoint).completeBaseName(), checkpoint);
  checkpoint_->setCurrentIndex(checkpoint_->findData(checkpoint));
  updating_ = false;
}

void ParametersPanel::set_models_folder(const QString& root) {
  const QSignalBlocker block(checkpoint_);
  const QString current = checkpoint_->currentData().toString();
  while (checkpoint_->count() > 1) checkpoint_->removeItem(1);
  const QDir dir(QDir(root).filePath("checkpoints"));
  QDirIterator it(dir.path(), {"*.safetensors", "*.ckpt"}, QDir::Files, QDirIterator::Subdirectories);
  QStringList files;
  while (it.hasNext()) files << dir.relativeFilePath(it.next());
  files.sort();
  for (const QString& f : files) checkpoint_->addItem(QFileInfo(f).completeBaseName(), f);
  if (checkpoint_->findData(current) < 0) checkpoint_->addItem(QFileInfo(current).completeBaseName(), current);
  checkpoint_->setCurrentIndex(checkpoint_->findData(current));
  lora_list_->set_folder(QDir(root).filePath("loras"));
}

}  // namespace poseforge::ui
