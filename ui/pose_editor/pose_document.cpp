// The pose document: edits as undo commands, photo, JSON import/export, control image.
#include "ui/pose_editor/pose_document.h"

#include <algorithm>
#include <filesystem>

#include "core/pose/draw.h"
#include "core/pose/pose_json.h"
#include "core/pose/skeleton.h"
#include "ui/pose_editor/pose_edit_command.h"
#include "ui/pose_editor/standing_person.h"

namespace poseforge::ui {
namespace {

constexpr int kDefaultCanvas = 512;

std::filesystem::path to_path(const QString& path) {
  return std::filesystem::path(path.toStdU32String());
}

QString keypoint_name(int keypoint) {
  if (keypoint < 0 || keypoint >= pose::kBodyKeypoints) return QString::number(keypoint);
  return QString(pose::kBodyKeypointNames[keypoint]).replace('_', ' ');
}

QString point_name(const JointRef& point) {
  if (point.part == pose::Part::Body) return keypoint_name(point.keypoint);
  return QString("%1 point %2").arg(pose::part_name(point.part)).arg(point.keypoint);
}

}  // namespace

PoseDocument::PoseDocument(QObject* parent) : QObject(parent) {}

QSize PoseDocument::canvas_size() const {
  if (pose_.canvas_width() > 0 && pose_.canvas_height() > 0) return {pose_.canvas_width(), pose_.canvas_height()};
  if (has_photo()) return photo_.size();
  return {kDefaultCanvas, kDefaultCanvas};
}

pose::Pose PoseDocument::editable() const {
  if (pose_.canvas_width() > 0 && pose_.canvas_height() > 0) return pose_;
  const QSize size = canvas_size();
  pose::Pose out(size.width(), size.height());
  for (const pose::Person& person : pose_.people()) out.add_person(person);
  return out;
}

void PoseDocument::apply(const pose::Pose& pose) {
  pose_ = pose;
  emit pose_changed();
}

void PoseDocument::push(const QString& text, pose::Pose after, int merge_key) {
  undo_.push(new PoseEditCommand(this, text, pose_, std::move(after), merge_key));
}

QRectF PoseDocument::photo_rect() const {
  const QSize canvas = canvas_size();
  if (!has_photo() || !fit_mode_ || pose::same_aspect(photo_.width(), photo_.height(), canvas.width(), canvas.height()))
    return {0, 0, 1, 1};
  const double sx = static_cast<double>(canvas.width()) / photo_.width();
  const double sy = static_cast<double>(canvas.height()) / photo_.height();
  const double s = *fit_mode_ == pose::FitMode::Pad ? std::min(sx, sy) : std::max(sx, sy);
  const double w = photo_.width() * s / canvas.width(), h = photo_.height() * s / canvas.height();
  return {(1 - w) / 2, (1 - h) / 2, w, h};
}

void PoseDocument::set_shown_parts(const pose::DrawParts& parts) {
  shown_ = parts;
  emit parts_changed();
}

void PoseDocument::set_photo(const QImage& photo, const QString& path) {
  fit_mode_.reset();
  photo_ = photo;
  photo_path_ = path;
  emit photo_changed();
  if (!pose_.empty() || pose_.canvas_width() != photo.width() || pose_.canvas_height() != photo.height())
    replace_pose(pose::Pose(photo.width(), photo.height()), "New reference photo");
}

void PoseDocument::clear_photo() {
  photo_ = {};
  photo_path_.clear();
  emit photo_changed();
}

void PoseDocument::replace_pose(const pose::Pose& pose, const QString& text) {
  push(text, pose);
}

void PoseDocument::move_keypoint(std::size_t person, int keypoint, double x, double y, int drag_id) {
  pose::Pose after = editable();
  after.move_keypoint(person, keypoint, std::clamp(x, 0.0, 1.0), std::clamp(y, 0.0, 1.0));
  push(QString("Move %1").arg(keypoint_name(keypoint)), std::move(after), drag_id);
}

void PoseDocument::add_keypoint(std::size_t person, int keypoint, double x, double y) {
  pose::Pose after = editable();
  after.set_keypoint(person, keypoint, {std::clamp(x, 0.0, 1.0), std::clamp(y, 0.0, 1.0), 1.0});
  push(QString("Add %1").arg(keypoint_name(keypoint)), std::move(after));
}

void PoseDocument::move_point(const JointRef& point, double x, double y, int drag_id) {
  pose::Pose after = editable();
  after.move_point(point.person, point.part, point.keypoint, std::clamp(x, 0.0, 1.0), std::clamp(y, 0.0, 1.0));
  push(QString("Move %1").arg(point_name(point)), std::move(after), drag_id);
}

void PoseDocument::remove_point(const JointRef& point) {
  pose::Pose after = editable();
  after.remove_point(point.person, point.part, point.keypoint);
  push(QString("Delete %1").arg(point_name(point)), std::move(after));
}

void PoseDocument::flip_horizontal() {
  push("Flip horizontally", pose::flip_horizontal(editable()));
}

void PoseDocument::transform_person(std::size_t person, double scale, double dx, double dy, int drag_id) {
  push(QString(scale == 1.0 ? "Move person %1" : "Scale person %1").arg(person + 1),
       pose::transform_person(editable(), person, scale, dx, dy), drag_id);
}

int PoseDocument::fit_to_size(int width, int height, pose::FitMode mode) {
  pose::FitResult fit = pose::fit_to_size(editable(), width, height, mode);
  fit_mode_ = mode;
  push(QString("Fit to %1x%2 (%3)").arg(width).arg(height).arg(mode == pose::FitMode::Crop ? "crop" : "pad"),
       std::move(fit.pose));
  emit photo_changed();  // the photo is shown cropped or padded now
  return fit.dropped;
}

void PoseDocument::remove_keypoint(std::size_t person, int keypoint) {
  pose::Pose after = editable();
  after.remove_keypoint(person, keypoint);
  push(QString("Delete %1").arg(keypoint_name(keypoint)), std::move(after));
}

std::size_t PoseDocument::add_person() {
  pose::Pose after = editable();
  const std::size_t index = after.add_person(
      standing_person(next_person_centre(after.people().size()), after.canvas_width(), after.canvas_height()));
  push("Add person", std::move(after));
  return index;
}

void PoseDocument::remove_person(std::size_t person) {
  pose::Pose after = editable();
  after.remove_person(person);
  push(QString("Remove person %1").arg(person + 1), std::move(after));
}

pose::PoseJsonImport PoseDocument::import_json(const QString& path, int frame) {
  const QSize photo = has_photo() ? photo_.size() : QSize(0, 0);
  pose::PoseJsonOptions options;
  options.default_width = photo.width();
  options.default_height = photo.height();
  options.frame = frame;
  pose::PoseJsonImport read = pose::import_pose_json_file(to_path(path), options);
  fit_mode_.reset();
  replace_pose(read.pose, "Load pose JSON");
  return read;
}

void PoseDocument::export_json(const QString& path) const {
  pose::save_pose_json(to_path(path), editable());
}

io::Image PoseDocument::control_image(int width, int height) const {
  return pose::render_control_image(editable(), width, height, shown_);
}

}  // namespace poseforge::ui
