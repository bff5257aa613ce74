// The pose reference panel: inputs, detection, overlay controls, messages.
#include "ui/pose_editor/pose_panel.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSlider>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "core/error.h"
#include "ui/common/image_drop_filter.h"
#include "ui/common/image_source.h"
#include "ui/common/input_panel_parts.h"
#include "ui/pose_editor/pose_canvas.h"
#include "ui/pose_editor/pose_detection.h"
#include "ui/pose_editor/pose_document.h"
#include "ui/pose_editor/pose_tools.h"

namespace poseforge::ui {
namespace {

constexpr int kDefaultOpacity = 70;  // percent: the skeleton reads better over a dimmed photo

bool is_pose_json(const QString& path) {
  return path.endsWith(".json", Qt::CaseInsensitive);
}

}  // namespace

PosePanel::PosePanel(QWidget* parent)
    : QWidget(parent), document_(new PoseDocument(this)), detection_(new PoseDetectionService(this)) {
  setObjectName("PosePanel");
  setFocusPolicy(Qt::ClickFocus);  // a click anywhere in the panel makes Ctrl+V and Ctrl+Z reach it
  canvas_ = new PoseCanvas(document_, this);
  canvas_->set_photo_opacity(kDefaultOpacity / 100.0);
  message_ = make_message_line("PoseMessage", this);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(make_toolbar());
  layout->addWidget(make_view_controls());
  layout->addWidget(canvas_, 1);
  layout->addWidget(message_);

  auto* drops = new ImageDropFilter(this);
  connect(drops, &ImageDropFilter::dropped, this, &PosePanel::take_mime);
  connect(document_, &PoseDocument::pose_changed, this, &PosePanel::pose_changed);
  connect(document_, &PoseDocument::parts_changed, this, &PosePanel::pose_changed);  // the control image changes
  connect(canvas_, &PoseCanvas::problem, this, [this](const QString& text) { show_message(text, true); });
  connect(detection_, &PoseDetectionService::finished, this, [this](int, const pose::Pose& pose) {
    document_->replace_pose(pose, "Detected pose");
    const std::size_t n = pose.people().size();
    if (n == 0)
      show_message("No person found in the photo. Add one by hand (right-click the picture) or import a pose JSON.",
                   true);
    else
      show_message(QString("Detected %1 %2 (bodies only: hands and faces come from an imported pose JSON). "
                           "Drag a joint to move it; right-click for more.")
                       .arg(n)
                       .arg(n == 1 ? "person" : "people"));
    emit detection_finished(true);
  });
  connect(detection_, &PoseDetectionService::failed, this, [this](int, const QString& error) {
    show_message("Pose detection failed: " + error, true);
    emit detection_finished(false);
  });
}

QWidget* PosePanel::make_toolbar() {
  auto* bar = new QToolBar(this);
  bar->setObjectName("PoseToolBar");
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  bar->setIconSize(QSize(16, 16));
  bar->addAction("Open…", this, &PosePanel::open_dialog)->setToolTip("Open a reference photo or a pose JSON");

  connect(add_paste_action(this, bar, "Paste a photo or a file from the clipboard"), &QAction::triggered, this,
          &PosePanel::paste);

  auto* pose_menu = new QMenu(this);
  pose_menu->addAction("Import pose JSON…", this, &PosePanel::import_dialog);
  pose_menu->addAction("Export pose JSON…", this, &PosePanel::export_dialog);
  pose_menu->addSeparator();
  pose_menu->addAction("Add person", this, [this] { document_->add_person(); });
  add_pose_tools(
      pose_menu, document_, [this] { return output_size_; },
      [this](const QString& text, bool problem) { show_message(text, problem); });
  pose_menu->addAction("Remove photo (keep pose)", this, [this] {
    detection_->cancel();
    document_->clear_photo();
    emit reference_changed({});
  });
  auto* pose_button = new QToolButton(bar);
  pose_button->setText("Pose");
  pose_button->setMenu(pose_menu);
  pose_button->setPopupMode(QToolButton::InstantPopup);
  bar->addWidget(pose_button);
  bar->addSeparator();

  // Short button labels; what would be undone goes into the tooltip.
  QUndoStack* stack = document_->undo_stack();
  auto* undo = bar->addAction("Undo", stack, &QUndoStack::undo);
  undo->setShortcut(QKeySequence::Undo);
  auto* redo = bar->addAction("Redo", stack, &QUndoStack::redo);
  redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)});
  undo->setEnabled(false);
  redo->setEnabled(false);
  connect(stack, &QUndoStack::canUndoChanged, undo, &QAction::setEnabled);
  connect(stack, &QUndoStack::canRedoChanged, redo, &QAction::setEnabled);
  connect(stack, &QUndoStack::undoTextChanged, undo,
          [undo](const QString& t) { undo->setToolTip("Undo " + t + " (Ctrl+Z)"); });
  connect(stack, &QUndoStack::redoTextChanged, redo,
          [redo](const QString& t) { redo->setToolTip("Redo " + t + " (Ctrl+Shift+Z)"); });
  for (QAction* a : {undo, redo}) {
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(a);
  }
  undo->setObjectName("PoseUndo");
  redo->setObjectName("PoseRedo");
  return bar;
}

QWidget* PosePanel::make_view_controls() {
  auto* row = new QWidget(this);
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* group = new QButtonGroup(row);
  const std::pair<const char*, PoseLayers> modes[] = {
      {"Both", PoseLayers::Both}, {"Photo", PoseLayers::Photo}, {"Skeleton", PoseLayers::Skeleton}};
  for (const auto& [name, layers] : modes) {
    auto* button = new QToolButton(row);
    button->setText(name);
    button->setObjectName(QString("Show") + name);
    button->setCheckable(true);
    button->setChecked(layers == PoseLayers::Both);
    group->addButton(button);
    layout->addWidget(button);
    const PoseLayers l = layers;
    connect(button, &QToolButton::toggled, this, [this, l](bool on) {
      if (on) canvas_->set_layers(l);
    });
  }
  layout->addSpacing(6);
  layout->addWidget(make_part_toggles(document_, row));
  layout->addSpacing(6);
  layout->addWidget(new QLabel("Opacity", row));
  opacity_ = new QSlider(Qt::Horizontal, row);
  opacity_->setObjectName("PhotoOpacity");
  opacity_->setRange(0, 100);
  opacity_->setValue(kDefaultOpacity);
  opacity_->setToolTip("Photo opacity");
  connect(opacity_, &QSlider::valueChanged, this, [this](int v) { canvas_->set_photo_opacity(v / 100.0); });
  layout->addWidget(opacity_, 1);
  // Photo controls mean nothing while the pose stands alone.
  auto* photo_only = group->buttons().at(1);
  auto update = [this, photo_only] {
    photo_only->setEnabled(document_->has_photo());
    opacity_->setEnabled(document_->has_photo());
  };
  connect(document_, &PoseDocument::photo_changed, row, update);
  update();
  return row;
}

const pose::Pose& PosePanel::pose() const {
  return document_->pose();
}

QString PosePanel::reference_path() const {
  return document_->photo_path();
}

io::Image PosePanel::control_image(int width, int height) const {
  return document_->control_image(width, height);
}

bool PosePanel::detecting() const {
  return detection_->busy();
}

QString PosePanel::message() const {
  return message_->text();
}

void PosePanel::show_message(const QString& text, bool problem) {
  set_message(message_, text, problem);
}

bool PosePanel::open_file(const QString& path) {
  if (is_pose_json(path)) return import_pose_json(path);
  const LoadedImage image = load_image_file(path);
  if (!image.ok()) {
    show_message("Cannot use this file as a pose reference: " + image.error, true);
    return false;
  }
  set_reference(image);
  return true;
}

void PosePanel::set_reference(const LoadedImage& image) {
  document_->set_photo(image.image, image.path);
  emit reference_changed(image.path);
  start_detection(image.pixels);
}

void PosePanel::start_detection(const io::Image& pixels) {
  QString model = body_model_;
  if (model.isEmpty()) {
    const BodyModelLocation location = locate_body_model();
    if (location.path.isEmpty()) {
      detection_->cancel();
      show_message(location.help, true);
      return;
    }
    model = location.path;
  }
  detection_->detect(pixels, model);
  show_message("Detecting the pose…");
}

bool PosePanel::import_pose_json(const QString& path, int frame) {
  pose::PoseJsonImport read;
  try {
    read = document_->import_json(path, frame);
  } catch (const Error& e) {
    show_message(QString("Cannot load the pose: %1").arg(e.what()), true);
    return false;
  }
  detection_->cancel();  // the user's pose wins over a detection still running
  const std::size_t n = document_->pose().people().size();
  int hands = 0, faces = 0;
  for (const pose::Person& p : document_->pose().people()) {
    hands += !p.left_hand.empty() + !p.right_hand.empty();
    faces += !p.face.empty();
  }
  QString text = QString("Loaded %1 %2 (%3 hands, %4 faces) from %5: %6.")
                     .arg(n)
                     .arg(n == 1 ? "person" : "people")
                     .arg(hands)
                     .arg(faces)
                     .arg(QFileInfo(path).fileName(), QString::fromStdString(read.dialect));
  for (const std::string& w : read.warnings) text += " " + QString::fromStdString(w) + ".";
  show_message(text, !read.warnings.empty());
  return true;
}

void PosePanel::set_output_size(QSize size) {
  if (size == output_size_) return;
  output_size_ = size;
  const QSize canvas = document_->canvas_size();
  if (!document_->pose().empty() && !pose::same_aspect(canvas.width(), canvas.height(), size.width(), size.height()))
    show_message(QString("The output (%1x%2) has another shape than the pose (%3x%4): Pose > Fit to output size "
                         "crops or pads it (shown here before generating); otherwise it is stretched.")
                     .arg(size.width())
                     .arg(size.height())
                     .arg(canvas.width())
                     .arg(canvas.height()));
}

bool PosePanel::export_pose_json(const QString& path) {
  try {
    document_->export_json(path);
  } catch (const Error& e) {
    show_message(QString("Cannot save the pose: %1").arg(e.what()), true);
    return false;
  }
  show_message("Saved the pose to " + QFileInfo(path).fileName() + ".");
  return true;
}

bool PosePanel::paste() {
  return take_mime(QApplication::clipboard()->mimeData());
}

bool PosePanel::take_mime(const QMimeData* mime) {
  const MimeInput input = read_mime(mime);
  if (!input.files.isEmpty()) return open_file(input.files.first());
  if (input.empty()) {
    show_message(input.error.isEmpty() ? "Nothing to use here: drop or paste a photo, an image file or a pose JSON."
                                       : input.error,
                 true);
    return false;
  }
  const LoadedImage image = load_image_data(input.image);
  if (!image.ok()) {
    show_message(image.error, true);
    return false;
  }
  set_reference(image);
  return true;
}

void PosePanel::open_dialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, "Open a pose reference", {},
      "Photos and poses (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.json);;Pose JSON (*.json);;All files (*)");
  if (!path.isEmpty()) open_file(path);
}

void PosePanel::import_dialog() {
  const QString path = QFileDialog::getOpenFileName(this, "Import a pose", {}, "Pose JSON (*.json);;All files (*)");
  if (!path.isEmpty()) import_pose_json(path);
}

void PosePanel::export_dialog() {
  QString path = QFileDialog::getSaveFileName(this, "Export the pose", "pose.json", "Pose JSON (*.json)");
  if (path.isEmpty()) return;
  if (!is_pose_json(path)) path += ".json";
  export_pose_json(path);
}

}  // namespace poseforge::ui
