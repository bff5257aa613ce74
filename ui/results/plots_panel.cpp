// PlotsPanel: two QCustomPlot widgets side by side, replotted with queued replots.
#include "ui/results/plots_panel.h"

#include <algorithm>

#include <qcustomplot.h>
#include <QHBoxLayout>

namespace poseforge::ui {
namespace {

QCustomPlot* make_plot(const QString& name, const QString& title, const QString& x_label, const QString& y_label) {
  auto* plot = new QCustomPlot;
  plot->setObjectName(name);
  plot->setMinimumSize(260, 150);
  plot->plotLayout()->insertRow(0);
  auto* heading = new QCPTextElement(plot, title, QFont(plot->font().family(), 9, QFont::Bold));
  plot->plotLayout()->addElement(0, 0, heading);
  plot->xAxis->setLabel(x_label);
  plot->yAxis->setLabel(y_label);
  plot->addGraph();
  plot->graph(0)->setPen(QPen(QColor(0x1e, 0x6f, 0xd9), 1.6));
  plot->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
  return plot;
}

}  // namespace

PlotsPanel::PlotsPanel(QWidget* parent)
    : QWidget(parent),
      times_(make_plot("step_time_plot", "Seconds per step", "step", "s")),
      sigmas_(make_plot("sigma_plot", "Sigma schedule", "step", "sigma")) {
  times_->graph(0)->setLineStyle(QCPGraph::lsStepCenter);
  times_->graph(0)->setBrush(QColor(0x1e, 0x6f, 0xd9, 40));
  sigmas_->graph(0)->setPen(QPen(QColor(0xc0, 0x6a, 0x00), 1.6));
  sigmas_->addGraph();  // the point reached
  sigmas_->graph(1)->setLineStyle(QCPGraph::lsNone);
  sigmas_->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::red, 2), Qt::red, 8));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(times_);
  layout->addWidget(sigmas_);
}

void PlotsPanel::start(const std::vector<double>& sigmas) {
  times_->graph(0)->data()->clear();
  times_->xAxis->setRange(0.5, std::max<std::size_t>(sigmas.size(), 2) - 0.5);
  times_->yAxis->setRange(0, 0.1);
  times_->replot(QCustomPlot::rpQueuedReplot);
  set_schedule(sigmas);
}

void PlotsPanel::set_schedule(const std::vector<double>& sigmas) {
  QVector<double> x, y;
  for (std::size_t i = 0; i < sigmas.size(); ++i) {
    x.push_back(static_cast<double>(i));
    y.push_back(sigmas[i]);
  }
  sigmas_->graph(0)->setData(x, y, true);
  sigmas_->graph(1)->data()->clear();
  sigmas_->rescaleAxes();
  sigmas_->xAxis->setRange(-0.5, std::max<double>(static_cast<double>(sigmas.size()) - 0.5, 1.0));
  sigmas_->yAxis->setRange(0, std::max(sigmas_->yAxis->range().upper * 1.05, 1e-3));
  sigmas_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotsPanel::add_step(int step, double seconds) {
  auto* graph = times_->graph(0);
  graph->addData(step, seconds);
  if (step + 0.5 > times_->xAxis->range().upper) times_->xAxis->setRangeUpper(step + 0.5);
  bool found = false;
  const QCPRange values = graph->getValueRange(found);
  if (found) times_->yAxis->setRange(0, std::max(values.upper * 1.2, 1e-3));
  times_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotsPanel::mark_step(int step) {
  const auto schedule = sigmas_->graph(0)->data();
  const auto it = schedule->findBegin(step, false);
  if (it == schedule->constEnd()) return;
  sigmas_->graph(1)->setData(QVector<double>{it->key}, QVector<double>{it->value}, true);
  sigmas_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotsPanel::set_step_times(const std::vector<double>& seconds) {
  times_->graph(0)->data()->clear();
  for (std::size_t i = 0; i < seconds.size(); ++i) add_step(static_cast<int>(i) + 1, seconds[i]);
  times_->xAxis->setRange(0.5, std::max<std::size_t>(seconds.size(), 1) + 0.5);
  times_->replot(QCustomPlot::rpQueuedReplot);
}

int PlotsPanel::steps_plotted() const {
  return times_->graph(0)->dataCount();
}

}  // namespace poseforge::ui
