// ImagePromptPanel: the "Image prompt" dock: several pictures for the IP-Adapter, each with a weight.
#pragma once

#include <vector>

#include <QString>
#include <QWidget>

#include "core/io/image.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/request.h"
#include "ui/common/image_source.h"

class QLabel;
class QMimeData;
class QVBoxLayout;

namespace poseforge::ui {

class ImagePromptRow;

// One image prompt with its decoded pixels (RGB8, as io::read_image_rgb gives them).
struct ImagePromptInput {
  QString path;
  double weight = 1.0;
  io::Image pixels;
  pipeline::ImagePrompt prompt;  // every setting of the row (type, start/end, mask path, ...)
  io::Image mask;                // the mask's pixels; empty: the whole picture
};

// The panel's inputs as the engine takes them (pixels, weight, type, start/end, mask pixels).
std::vector<pipeline::Inputs::ImagePrompt> engine_image_prompts(const std::vector<ImagePromptInput>& inputs);

// Image prompts come by drop (several files at once), paste (Ctrl+V: picture data or a file) or the
// Open dialog; each shows a thumbnail, its file name, weight, weight type, start/end, a regional mask
// and a remove button. Below the list, an optional negative image prompt. Unreadable files are listed
// in the panel's message line and not added; nothing here throws.
class ImagePromptPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ImagePromptPanel(QWidget* parent = nullptr);

  // --- for the main window and the pipeline ---
  // Paths and weights, in order, as the Request's image_prompts.
  std::vector<pipeline::ImagePrompt> prompts() const;
  // The same with the decoded pixels.
  std::vector<ImagePromptInput> inputs() const;
  // Replaces the list (e.g. restoring a preset or a result's parameters) with every setting of each
  // entry; files (or masks) that cannot be read are reported in the message line. Returns how many
  // were added.
  int set_prompts(const std::vector<pipeline::ImagePrompt>& prompts);
  // A preset's image-prompt controls (weight, type, start/end) onto the rows at those positions.
  void apply_preset_controls(const std::vector<pipeline::ImagePrompt>& controls);
  // The negative image prompt (its embedding replaces the zeros on the unconditional side).
  QString negative_path() const;
  io::Image negative_pixels() const;
  bool set_negative(const QString& path);  // "" clears it; false (with a message) when unreadable
  // Sets row `index`'s mask from painted pixels (white: where it acts), saved as a PNG in the cache
  // folder so the request can name it. False when it cannot be saved.
  bool set_mask_image(int index, const QImage& mask);
  ImagePromptRow* row(int index) const;

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
  // Any change of the list, of a row's settings or of the negative image prompt.
  void prompts_changed();
  // A row's "Paint over the pose reference…": the window opens the mask painter.
  void mask_paint_requested(int index);

 private:
  QWidget* make_toolbar();
  QWidget* make_negative_slot();
  void update_negative();
  void add_row(const LoadedImage& image, double weight);
  void show_message(const QString& text, bool problem = false);
  void update_hint();
  void open_dialog();

  std::vector<ImagePromptRow*> rows_;
  QVBoxLayout* list_ = nullptr;
  QLabel* hint_ = nullptr;
  QLabel* message_ = nullptr;
  LoadedImage negative_;
  QLabel* negative_label_ = nullptr;
};

}  // namespace poseforge::ui
