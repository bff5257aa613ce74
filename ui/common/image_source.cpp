// Input images from files, mime data and the clipboard.
#include "ui/common/image_source.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QStandardPaths>
#include <QUrl>

#include "core/error.h"
#include "ui/common/image_convert.h"

namespace poseforge::ui {
namespace {

std::filesystem::path to_path(const QString& path) {
  return std::filesystem::path(path.toStdU32String());
}

// A URL or a line of text naming a local file, or empty with `error` set.
QString local_file(const QUrl& url, QString& error) {
  if (url.isLocalFile()) return url.toLocalFile();
  error = QString("'%1' is not a local file; save it to disk first").arg(url.toString());
  return {};
}

}  // namespace

LoadedImage load_image_file(const QString& path) {
  LoadedImage out;
  try {
    out.pixels = io::read_image_rgb(to_path(path));
    out.image = to_qimage(out.pixels);
    out.path = QFileInfo(path).absoluteFilePath();
  } catch (const Error& e) {
    out = {};
    out.error = QString::fromStdString(e.what());
  }
  return out;
}

LoadedImage load_image_data(const QImage& image) {
  LoadedImage out;
  if (image.isNull()) {
    out.error = "the clipboard holds no picture";
    return out;
  }
  out.pixels = to_rgb_image(image);
  out.image = to_qimage(out.pixels);
  QCryptographicHash hash(QCryptographicHash::Sha1);
  hash.addData(QByteArrayView(reinterpret_cast<const char*>(out.pixels.pixels.data()),
                              static_cast<qsizetype>(out.pixels.pixels.size())));
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + "/pasted";
  const QString file = dir + "/" + QString::fromLatin1(hash.result().toHex().left(16)) + ".png";
  try {
    if (!QDir().mkpath(dir)) throw Error("cannot create the folder '{}'", dir.toStdString());
    if (!QFileInfo::exists(file)) io::write_image(to_path(file), out.pixels);
    out.path = file;
  } catch (const Error& e) {
    out = {};
    out.error = QString("cannot keep the pasted picture: %1").arg(e.what());
  }
  return out;
}

MimeInput read_mime(const QMimeData* mime) {
  MimeInput in;
  if (mime == nullptr) return in;
  QList<QUrl> urls = mime->urls();
  if (urls.isEmpty() && mime->hasText()) {
    // A copied path or URL as text: take the lines that look like file URLs or absolute paths.
    for (const QString& line : mime->text().split('\n', Qt::SkipEmptyParts)) {
      const QString t = line.trimmed();
      if (t.startsWith("file:"))
        urls.append(QUrl(t));
      else if (QDir::isAbsolutePath(t) && QFileInfo(t).isFile())
        urls.append(QUrl::fromLocalFile(t));
    }
  }
  for (const QUrl& url : urls) {
    const QString file = local_file(url, in.error);
    if (!file.isEmpty()) in.files.append(file);
  }
  if (in.files.isEmpty() && mime->hasImage()) in.image = qvariant_cast<QImage>(mime->imageData());
  return in;
}

bool mime_has_input(const QMimeData* mime) {
  return mime != nullptr && (mime->hasUrls() || mime->hasImage() || mime->hasText());
}

std::vector<LoadedImage> load_mime_images(const MimeInput& input) {
  std::vector<LoadedImage> out;
  for (const QString& file : input.files) out.push_back(load_image_file(file));
  if (input.files.isEmpty() && !input.image.isNull()) out.push_back(load_image_data(input.image));
  return out;
}

}  // namespace poseforge::ui
