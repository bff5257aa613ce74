// ImagePromptPanel: the "Image prompt" dock: several pictures for the IP-Adapter, each with a weight.
#pragma once

#include <vector>

#include <QString>
#include <QWidget>

#include "core/io/image.h"
#include "core/pipeline/request.h"

class QLabel;
class QMimeData;
class QVBoxLayout;

namespace poseforge::ui {

class ImagePromptRow;
struct LoadedImage;

// One image prompt with its decoded pixels (RGB8, as io::read_image_rgb gives them).
struct ImagePromptInput {
  QString path;
  double weight = 1.0;
  io::Image pixels;
};

// Image prompts come by drop (several files at once), paste (Ctrl+V: picture data or a file) or the
// Open dialog; each shows a thumbnail, its file name, a weight spin box and a remove button.
// Unreadable files are listed in the panel's message line and not added; nothing here throws.
class ImagePromptPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ImagePromptPanel(QWidget* parent = nullptr);

  // --- for the main window and the pipeline ---
  // Paths and weights, in order, as the Request's image_prompts.
  std::vector<pipeline::ImagePrompt> prompts() const;
  // The same with the decoded pixels.
  std::vector<ImagePromptInput> inputs() const;
  // Replaces the list (e.g. restoring a preset or a result's parameters); files that cannot be
  // read are reported in the message line. Returns how many were added.
  int set_prompts(const std::vector<pipeline::ImagePrompt>& prompts);

  // --- actions ---
  bool add_file(const QString& path, double weight = 1.0);
  // Every usable picture a drop or paste carries; returns how many were added.
  int take_mime(const QMimeData* mime);
  bool paste();
  void remove(int index);
  void set_weight(int index, double weight);
  void clear();

  int count() const { return static_cast<int>(rows_.size()); }
  QString message() const;

 signals:
  // Any change of the list or of a weight.
  void prompts_changed();

 private:
  QWidget* make_toolbar();
  void add_row(const LoadedImage& image, double weight);
  void show_message(const QString& text, bool problem = false);
  void update_hint();
  void open_dialog();

  std::vector<ImagePromptRow*> rows_;
  QVBoxLayout* list_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* message_ = nullptr;
};

}  // namespace poseforge::ui
