// The settings dialog: models folder with live validation, device, precision, low-VRAM mode.
#include "ui/settings/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/pipeline/model_paths.h"
#include "ui/settings/models_readme.h"

namespace poseforge::ui {
namespace {

QString qstr(const std::filesystem::path& p) {
  return QString::fromStdString(p.string());
}

// Selects the item whose data is `id`, adding it when the list lacks it (e.g. cuda:1 stored, one GPU now).
void select_data(QComboBox* box, const std::string& id) {
  int index = box->findData(QString::fromStdString(id));
  if (index < 0) {
    box->addItem(QString::fromStdString(id) + " (not available now)", QString::fromStdString(id));
    index = box->count() - 1;
  }
  box->setCurrentIndex(index);
}

}  // namespace

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle("PoseForge settings");
  setObjectName("SettingsDialog");
  const EngineSettings stored = load_engine_settings();

  auto* models = new QGroupBox("Models");
  auto* models_layout = new QVBoxLayout(models);
  auto* root_row = new QHBoxLayout;
  root_row->addWidget(new QLabel("Models folder:"));
  root_ = new QLineEdit(qstr(stored.models_root));
  root_->setObjectName("models_root");
  root_row->addWidget(root_, 1);
  auto* browse_button = new QPushButton("Browse…");
  browse_button->setObjectName("browse_models");
  root_row->addWidget(browse_button);
  models_layout->addLayout(root_row);
  parts_ = new QTreeWidget;
  parts_->setObjectName("model_parts");
  parts_->setHeaderLabels({"Part", "Found at"});
  parts_->setRootIsDecorated(false);
  parts_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  models_layout->addWidget(parts_);
  problems_label_ = new QLabel;
  problems_label_->setObjectName("model_problems");
  problems_label_->setWordWrap(true);
  problems_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  models_layout->addWidget(problems_label_);
  auto* readme = new QPushButton("Open models/README.md");
  readme->setObjectName("open_readme");
  readme->setToolTip("What to download and where to put it");
  auto* readme_row = new QHBoxLayout;
  readme_row->addWidget(readme);
  readme_row->addStretch(1);
  models_layout->addLayout(readme_row);
  models_layout->addStretch(1);

  auto* engine = new QGroupBox("Engine");
  auto* form = new QFormLayout(engine);
  device_ = new QComboBox;
  device_->setObjectName("device");
  for (const auto& d : available_devices()) device_->addItem(QString::fromStdString(d.label), QString::fromStdString(d.id));
  select_data(device_, stored.options.device);
  form->addRow("Device:", device_);
  dtype_ = new QComboBox;
  dtype_->setObjectName("dtype");
  for (const auto& d : available_dtypes()) {
    dtype_->addItem(d == "auto" ? "Auto (float16 on CUDA, float32 on the CPU)" : QString::fromStdString(d),
                    QString::fromStdString(d));
  }
  select_data(dtype_, stored.options.dtype);
  form->addRow("Precision:", dtype_);
  memory_ = new QComboBox;
  memory_->setObjectName("memory");
  memory_->addItem("Auto (by the GPU's memory: resident from 20 GiB, balanced from 14, low from 11, else minimal)",
                   "auto");
  memory_->addItem("Resident: every model stays on the GPU (fastest; SDXL + ControlNet + IP-Adapter peak at 14 GiB)",
                   "resident");
  memory_->addItem("Balanced: text and image encoders wait in host memory between prompts (12 GiB)", "balanced");
  memory_->addItem("Low: the ControlNet too, between runs; no CUDA graphs (9 GiB)", "low");
  memory_->addItem("Minimal: only the running model on the GPU (7 GiB, about 4x slower steps)", "minimal");
  select_data(memory_, stored.options.memory);
  form->addRow("GPU memory:", memory_);
  low_vram_ = new QCheckBox("Low-VRAM mode (forces Low at least: what the out-of-memory offer turns on)");
  low_vram_->setObjectName("low_vram");
  low_vram_->setChecked(stored.options.low_vram);
  form->addRow("", low_vram_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(models, 1);
  layout->addWidget(engine);
  layout->addWidget(buttons);
  resize(840, 620);

  connect(root_, &QLineEdit::textChanged, this, &SettingsDialog::refresh_models);
  connect(browse_button, &QPushButton::clicked, this, &SettingsDialog::browse);
  connect(readme, &QPushButton::clicked, this, [this] { open_models_readme(this); });
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
  refresh_models();
  // Every part in view without scrolling.
  const int rows = parts_->topLevelItemCount();
  parts_->setFixedHeight(parts_->header()->sizeHint().height() + rows * parts_->sizeHintForRow(0) +
                         2 * parts_->frameWidth() + 4);
}

EngineSettings SettingsDialog::settings() const {
  EngineSettings out;
  out.models_root = std::filesystem::path(root_->text().trimmed().toStdString());
  out.options.device = device_->currentData().toString().toStdString();
  out.options.dtype = dtype_->currentData().toString().toStdString();
  out.options.low_vram = low_vram_->isChecked();
  out.options.memory = memory_->currentData().toString().toStdString();
  return out;
}

void SettingsDialog::set_models_root(const QString& root) {
  root_->setText(root);  // refresh_models follows through textChanged
}

void SettingsDialog::refresh_models() {
  const auto root = std::filesystem::path(root_->text().trimmed().toStdString());
  const auto paths = pipeline::ModelPaths::discover(root);
  const auto parts = paths.sdxl_parts();
  parts_->clear();
  auto add = [this](const QString& name, const std::filesystem::path& path) {
    auto* item = new QTreeWidgetItem(parts_, {name, path.empty() ? QString("not found") : qstr(path)});
    if (path.empty()) item->setForeground(1, QColor(200, 60, 60));
  };
  const std::filesystem::path& single = paths.checkpoint;  // a single-file checkpoint holds UNet, VAE, text encoders
  add("SDXL", single.empty() ? paths.sdxl : single);
  add("  UNet", single.empty() ? parts.unet : single);
  add("  VAE", !paths.vae_file.empty() ? paths.vae_file : single.empty() ? parts.vae : single);
  add("  Text encoders",
      !single.empty() ? single : parts.text_encoder.empty() ? parts.text_encoder : parts.text_encoder.parent_path());
  add("  Tokenizers", parts.tokenizer.empty() ? parts.tokenizer : parts.tokenizer.parent_path());
  add("  Scheduler", parts.scheduler_config);
  add("ControlNet (OpenPose)", paths.controlnet);
  add("IP-Adapter", paths.ip_adapter);
  add("Image encoder", paths.image_encoder);
  add("OpenPose body model", paths.openpose);
  if (!paths.checkpoint.empty()) add("Checkpoint (default)", paths.checkpoint);
  for (const auto& [name, folder] : {std::pair<QString, std::filesystem::path>{"Checkpoints", paths.checkpoints_dir},
                                     {"LoRAs", paths.loras_dir}}) {
    QStringList files;  // the single files the parameters panel offers
    QDirIterator it(qstr(folder), {"*.safetensors", "*.ckpt", "*.pt", "*.bin"}, QDir::Files, QDirIterator::Subdirectories);
    while (!folder.empty() && it.hasNext()) files << QDir(qstr(folder)).relativeFilePath(it.next());
    files.sort();
    new QTreeWidgetItem(parts_, {name, folder.empty() ? QString("no folder")
                                                      : QString("%1 file(s) in %2: %3")
                                                            .arg(files.size())
                                                            .arg(qstr(folder), files.join(", "))});
  }
  problems_.clear();
  for (const auto& p : paths.problems(/*need_ip_adapter=*/true, /*need_openpose=*/true)) {
    problems_ << QString::fromStdString(p);
  }
  if (problems_.isEmpty()) {
    const bool demo = pipeline::is_demo_model_set(paths);
    problems_label_->setStyleSheet("color: #2a7a2a;");
    problems_label_->setText(demo ? "Complete demo model set (random weights: the pictures are noise)."
                                  : "All models found.");
  } else {
    problems_label_->setStyleSheet("color: #b03030;");
    problems_label_->setText("Missing or incomplete:\n• " + problems_.join("\n• "));
  }
}

void SettingsDialog::browse() {
  const QString dir = QFileDialog::getExistingDirectory(this, "Models folder", root_->text());
  if (!dir.isEmpty()) set_models_root(dir);
}

void SettingsDialog::accept() {
  save_engine_settings(settings());
  QDialog::accept();
}

}  // namespace poseforge::ui

#include "moc_settings_dialog.cpp"  // AUTOMOC missed this header once; an explicit include makes it certain
