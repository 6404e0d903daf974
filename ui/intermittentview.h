#pragma once

#include "chartview.h"

#include "intermittent/report.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace frontier::study {
struct TrialConfig;
}

namespace frontier::ui {

class JobsDock;

// The intermittent timeline: capacitor voltage (left axis) and task progress (right axis,
// share of tasks committed) over time, power failures marked; one ChartView, so zoom and
// PNG/SVG/CSV export come with it. setSim() rebuilds the chart.
class IntermittentTimelineChart : public ChartView
{
    Q_OBJECT

public:
    explicit IntermittentTimelineChart(QWidget *parent = nullptr);

    void setSim(const intermittent::SimResult &sim, const intermittent::Capacitor &capacitor,
                const QString &title);
    int failureMarks() const { return m_failures; }
    int voltagePoints() const { return m_points; }

private:
    int m_failures = 0;
    int m_points = 0;
};

// One intermittent inference (intermittent::InferenceReport, with timelines): a choice of
// configuration (naive, per-task, searched), a summary line (finishes or why not, latency,
// power cycles, energy split), the timeline chart and the per-layer task table (tiling,
// SRAM, tasks, failures, largest task, energy). Widget-only: the caller runs the
// simulation (it takes milliseconds for LeNet) and passes the report.
class IntermittentView : public QWidget
{
    Q_OBJECT

public:
    explicit IntermittentView(QWidget *parent = nullptr);

    void setReport(intermittent::InferenceReport report);
    const intermittent::InferenceReport &report() const { return m_report; }
    // Shows one configuration by name; false when the report has none of that name.
    bool showConfiguration(const QString &name);
    QString configuration() const;

    IntermittentTimelineChart *chart() const { return m_chart; }
    QTableWidget *layerTable() const { return m_table; }
    QString summary() const;

    // A report for a trial of an intermittent study: the model (file or project
    // reference, ModelRef), its format, the device preset and the trial's knobs
    // (study::IntermittentKnobs as JSON), with timelines. Throws Error.
    static intermittent::InferenceReport simulate(const std::string &modelRef,
                                                  const std::string &format,
                                                  const std::string &device,
                                                  const QJsonObject &knobs);

    // The same for any trial on harvested power: an `intermittent` trial as simulate();
    // ARI and EE trials give one configuration per path a sample can take ("int8 only",
    // "int8, then q1.15"; "exit at exit1", ...), the longest shown first.
    static intermittent::InferenceReport simulateTrial(const std::string &modelRef,
                                                       const study::TrialConfig &trial);

    // A view for an intermittent trial of a study in `projectPath`: its model (the
    // project's stored "<model>@..." of the latest run), format, device and knobs are
    // simulated on a job of `jobs`; the view fills in when the job ends (or shows its
    // error). The caller owns the view.
    static IntermittentView *forTrial(JobsDock *jobs, const std::string &projectPath,
                                      const study::TrialConfig &trial);
    void setError(const QString &message);

private:
    void showIndex(int index);

    intermittent::InferenceReport m_report;
    QComboBox *m_config = nullptr;
    QLabel *m_summary = nullptr;
    IntermittentTimelineChart *m_chart = nullptr;
    QTableWidget *m_table = nullptr;
};

} // namespace frontier::ui
