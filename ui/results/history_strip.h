// HistoryStrip: thumbnails of earlier results; the tooltip shows their parameters, a click restores.
#pragma once

#include <QImage>
#include <QListWidget>
#include <QString>
#include <QVector>
#include <optional>
#include <vector>

#include "core/pipeline/request.h"
#include "core/pose/pose.h"

namespace poseforge::ui {

struct HistoryEntry {
  QImage image;
  pipeline::Request request;         // with the seed the run used
  QString caption;                   // shown under the picture when restored
  std::vector<double> step_seconds;  // the run's timings and schedule, for the plots
  std::vector<double> sigmas;
  std::optional<pose::Pose> detected_pose;  // found in `image` when pose adherence was measured
};

// Newest first; at most `capacity` entries (the oldest are dropped). Object name "history_strip".
class HistoryStrip : public QListWidget {
  Q_OBJECT
 public:
  explicit HistoryStrip(int capacity = 60, QWidget* parent = nullptr);

  void add(const HistoryEntry& entry);
  const HistoryEntry& entry(int row) const { return entries_.at(row); }
  int size() const { return entries_.size(); }

 protected:
  void paintEvent(QPaintEvent* event) override;  // a hint while empty

 signals:
  void restore(const poseforge::ui::HistoryEntry& entry);

 private:
  QVector<HistoryEntry> entries_;  // same order as the rows
  int capacity_;
};

}  // namespace poseforge::ui
