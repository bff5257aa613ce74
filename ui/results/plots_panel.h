// PlotsPanel: QCustomPlot charts of the current run: seconds per step (live) and the sigma schedule.
#pragma once

#include <vector>

#include <QWidget>

class QCustomPlot;

namespace poseforge::ui {

// Object names: "step_time_plot", "sigma_plot".
class PlotsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PlotsPanel(QWidget* parent = nullptr);

  // A new run: clears the timings; `sigmas` (one per step, then 0) drawn as the schedule.
  void start(const std::vector<double>& sigmas);
  void set_schedule(const std::vector<double>& sigmas);     // replaces the schedule only
  void add_step(int step, double seconds);                  // live; replots at most once per event-loop pass
  void mark_step(int step);                                 // highlights the schedule's point reached
  void set_step_times(const std::vector<double>& seconds);  // a whole run (history restore)
  int steps_plotted() const;
  QCustomPlot* step_time_plot() const { return times_; }
  QCustomPlot* sigma_plot() const { return sigmas_; }

 private:
  QCustomPlot* times_;
  QCustomPlot* sigmas_;
};

}  // namespace poseforge::ui
