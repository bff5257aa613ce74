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

void PoseDocument::set_photo(const QImage& photo, const QString& path) {
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

void PoseDocument::import_json(const QString& path) {
  const QSize photo = has_photo() ? photo_.size() : QSize(0, 0);
  replace_pose(pose::load_pose_json(to_path(path), photo.width(), photo.height()), "Load pose JSON");
}

void PoseDocument::export_json(const QString& path) const {
  pose::save_pose_json(to_path(path), editable());
}

io::Image PoseDocument::control_image(int width, int height) const {
  return pose::render_control_image(editable(), width, height);
}

}  // namespace poseforge::ui
