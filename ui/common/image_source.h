// Reading input images from files, drag-and-drop / clipboard mime data, with messages instead of throws.
#pragma once

#include <QImage>
#include <QString>
#include <QStringList>

#include "core/io/image.h"

class QMimeData;

namespace poseforge::ui {

// One input picture: the engine's RGB pixels, a QImage of them for display, and the file they come
// from (pasted pixel data is saved to a PNG in the cache folder first, so every input has a path a
// Request can name). `error` is set, and the rest empty, when it could not be read.
struct LoadedImage {
  io::Image pixels;
  QImage image;
  QString path;
  QString error;
  bool ok() const { return error.isEmpty(); }
};

// Reads a file through io::read_image_rgb (PNG, JPEG, WebP, BMP, TIFF).
LoadedImage load_image_file(const QString& path);
// Pixel data from the clipboard or a drop: saved as <cache>/pasted/<hash>.png, then loaded.
LoadedImage load_image_data(const QImage& image);

// What a drop or a paste carries: local files (from URLs, or file:// lines of plain text), else
// image data. `error` names URLs that are not local files.
struct MimeInput {
  QStringList files;
  QImage image;
  QString error;
  bool empty() const { return files.isEmpty() && image.isNull(); }
};
MimeInput read_mime(const QMimeData* mime);
// Whether a drag carries anything read_mime can use (for dragEnterEvent).
bool mime_has_input(const QMimeData* mime);

// Loads a MimeInput's images: every file, or the image data; failures keep their message.
std::vector<LoadedImage> load_mime_images(const MimeInput& input);

}  // namespace poseforge::ui
