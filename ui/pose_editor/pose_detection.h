// PoseDetectionService: the OpenPose body detector on a worker thread, results by signal.
#pragma once

#include <atomic>
#include <memory>

#include <QObject>
#include <QString>
#include <QThread>

#include "core/io/image.h"
#include "core/pose/pose.h"

namespace poseforge::ui {

// Where the body model is: found through ModelPaths under the models root (QSettings key
// "models/root", default default_models_root()). `path` is empty when it is missing; `help` then
// says what to download and where to put it (the pose module's help text).
struct BodyModelLocation {
  QString path;
  QString help;
};
BodyModelLocation locate_body_model();

// Detection requests go to one worker thread in order; a newer request supersedes older ones (a
// queued one is skipped, a running one's result is dropped), so only the latest result arrives.
// The detector is loaded once per weights file and kept (CUDA when available, else CPU, float32).
// The UI thread never waits, except in the destructor, which lets a running detection finish.
class PoseDetectionService : public QObject {
  Q_OBJECT
 public:
  explicit PoseDetectionService(QObject* parent = nullptr);
  ~PoseDetectionService() override;

  // Starts detecting people in `image` with the body weights file `model`; returns the request's id.
  int detect(const io::Image& image, const QString& model);
  // Drops the pending request's result (e.g. the user loaded a pose by hand meanwhile).
  void cancel();
  // Whether a result is awaited.
  bool busy() const { return pending_ != 0; }

 signals:
  void finished(int id, const poseforge::pose::Pose& pose);
  void failed(int id, const QString& message);

 private:
  struct Worker;
  void deliver(int id, const pose::Pose* pose, const QString& error);

  QThread thread_;
  QObject* thread_context_ = nullptr;  // lives in thread_: the target of queued work
  std::shared_ptr<Worker> worker_;     // used on thread_ only
  std::shared_ptr<std::atomic<int>> latest_;
  int next_id_ = 0;
  int pending_ = 0;
};

}  // namespace poseforge::ui
