// Background body detection with a cached detector; stale results dropped.
#include "ui/pose_editor/pose_detection.h"

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include <QRegularExpression>
#include <QSettings>

#include "core/error.h"
#include "core/pipeline/model_paths.h"
#include "core/pose/detect_command.h"

// libtorch names a member slots(); Qt's keyword macro (from the precompiled <QtWidgets>) must not see it.
#pragma push_macro("slots")
#undef slots
#include <torch/cuda.h>

#include "core/pipeline/stage_error.h"
#include "core/pose/detector.h"
#pragma pop_macro("slots")

namespace poseforge::ui {

BodyModelLocation locate_body_model() {
  const QString default_root = QString::fromStdString(pipeline::default_models_root().string());
  const QString root = QSettings().value("models/root", default_root).toString();
  const std::filesystem::path root_path(root.toStdU32String());
  const pipeline::ModelPaths paths = pipeline::ModelPaths::discover(root_path);
  BodyModelLocation out;
  if (!paths.openpose.empty()) {
    out.path = QString::fromStdString(paths.openpose.string());
  } else {
    // The pose module's help, as one paragraph, without its command-line advice.
    QString help = QString::fromStdString(pose::body_model_help(root_path));
    help = help.left(help.indexOf("\n  or pass")).replace(QRegularExpression("\\s*\\n\\s*"), " ");
    out.help = QString(
                   "The OpenPose body model is missing, so the pose cannot be detected. To fix it, %1 "
                   "(or choose another models folder in the settings).\n"
                   "Meanwhile you can import a pose JSON or add people by hand (right-click the picture).")
                   .arg(help);
  }
  return out;
}

// The detector and the file it came from; touched on the worker thread only.
struct PoseDetectionService::Worker {
  std::filesystem::path weights;
  std::optional<pose::BodyDetector> detector;

  pose::Pose run(const io::Image& image, const std::filesystem::path& model) {
    if (!detector || weights != model) {
      detector.reset();
      const bool cuda = torch::cuda::is_available();
      detector.emplace(pose::BodyDetector::load(model, cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU),
                                                torch::kFloat32));
      weights = model;
    }
    return detector->detect(image).pose;
  }
};

PoseDetectionService::PoseDetectionService(QObject* parent)
    : QObject(parent), worker_(std::make_shared<Worker>()), latest_(std::make_shared<std::atomic<int>>(0)) {
  thread_.setObjectName("PoseDetection");
  thread_context_ = new QObject;
  thread_context_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, thread_context_, &QObject::deleteLater);
  thread_.start();
}

PoseDetectionService::~PoseDetectionService() {
  latest_->store(-1);  // queued requests are skipped
  thread_.quit();
  thread_.wait();
}

int PoseDetectionService::detect(const io::Image& image, const QString& model) {
  const int id = ++next_id_;
  pending_ = id;
  latest_->store(id);
  const std::filesystem::path weights(model.toStdU32String());
  QMetaObject::invokeMethod(
      thread_context_,
      [this, id, image, weights, worker = worker_, latest = latest_] {
        if (latest->load() != id) return;  // superseded before it started
        try {
          const pose::Pose pose = worker->run(image, weights);
          QMetaObject::invokeMethod(
              this, [this, id, pose] { deliver(id, &pose, {}); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {  // poseforge::Error, and c10::Error from a bad device or file
          const QString message = QString::fromStdString(
              fmt::format("detecting the pose with '{}': {}", weights.string(), pipeline::readable_what(e)));
          QMetaObject::invokeMethod(
              this, [this, id, message] { deliver(id, nullptr, message); }, Qt::QueuedConnection);
        }
      },
      Qt::QueuedConnection);
  return id;
}

void PoseDetectionService::cancel() {
  pending_ = 0;
  latest_->store(0);
}

void PoseDetectionService::deliver(int id, const pose::Pose* pose, const QString& error) {
  if (id != pending_) return;  // a newer request (or a cancel) came after this one
  pending_ = 0;
  if (pose != nullptr)
    emit finished(id, *pose);
  else
    emit failed(id, error);
}

}  // namespace poseforge::ui
