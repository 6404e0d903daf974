#pragma once

#include "explorerdata.h"

#include "policy/metrics.h"
#include "policy/thresholdsweep.h"

#include <QWidget>

#include <memory>
#include <optional>

class QAbstractAxis;
class QAreaSeries;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QSlider;
class QValueAxis;

namespace frontier::ui {

class ChartView;
class ExplorerSetup;
class MarginHistogramChart;

// The threshold explorer. Once a job has computed the per-sample outputs of every tier
// (ExplorerData, the cache), everything here is evaluated from them through core/policy:
//   - one slider per thresholded stage (ARI with k reduced tiers has k; HI and a two-head
//     EE one) sets τ; the shown metrics are ThresholdSweep(cascade, stage).at(τ) for the
//     stage last moved, with every other threshold as its slider stands;
//   - the accuracy–energy curve of that stage over τ ∈ [0, 1], a marker at the current τ,
//     the full model's point, and (ARI) the τ each rule (M, PDF q, fidelity >= x) picks on
//     the calibration split;
//   - the confidence histogram of the samples reaching that stage, split into kept,
//     escalated and flipped (MarginHistogram), with a line at τ.
// A slider move costs one binary search and a few chart updates (docs/bench-notes/gui.md).
class ThresholdExplorer : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kSliderSteps = 1000; // τ = value / 1000

    explicit ThresholdExplorer(QWidget *parent = nullptr);
    ~ThresholdExplorer() override;

    ExplorerSetup *setup() const { return m_setup; }
    void setData(std::shared_ptr<const ExplorerData> data);
    void setError(const QString &message);
    void setBusy(bool busy);
    const ExplorerData *data() const { return m_data.get(); }
    // True after the configuration changed since the outputs were computed: the curve,
    // histogram, sliders and numbers are cleared until the outputs are computed again.
    bool isStale() const { return m_stale; }

    int sliderCount() const { return int(m_sliders.size()); }
    QSlider *slider(int stage) const;
    // Moves stage's slider to the step nearest τ (the shown τ is then value / 1000).
    void setTau(int stage, double tau);
    std::vector<double> taus() const;
    int activeStage() const { return m_active; }

    // What the panel shows: the metrics and their texts by name (accuracy, fidelity,
    // escalated, offloaded, energy, saving, latency).
    const policy::Metrics &shownMetrics() const { return m_metrics; }
    QString metricText(const QString &name) const;
    // The curve's markers: the current τ, the full model's point and one per rule; the
    // text drawn beside a marker ("" when it has none: coinciding rules share one label).
    QScatterSeries *currentMarker() const { return m_marker; }
    const std::vector<QScatterSeries *> &ruleMarkers() const { return m_ruleSeries; }
    // τ picked by each rule for the active stage, as shown on the curve.
    const std::vector<std::pair<std::string, double>> &rules() const { return m_rules; }
    int curvePointCount() const;
    // Shows the curve's x axis on a log scale (energy spans a decade or more).
    void setLogX(bool log);
    // Wall-clock of the last slider update (metrics, labels and chart series), in µs.
    double lastUpdateMicros() const { return m_lastUpdateUs; }

    ChartView *curveChart() const { return m_curveView; }
    MarginHistogramChart *histogramChart() const { return m_histView; }

Q_SIGNALS:
    void computeRequested(const frontier::ui::ExplorerRequest &request);

private:
    void setupChanged();
    void markStale();
    void buildSliders();
    void onSliderChanged(int stage, int value);
    void activateStage(int stage);
    void rebuildCurve();
    void replaceCurveXAxis(bool log);
    void updateShown();
    double xValue(const policy::Metrics &m) const;
    QString curveCsv() const;
    QString xTitle() const;

    std::shared_ptr<const ExplorerData> m_data;
    std::optional<policy::Cascade> m_cascade;
    std::optional<policy::ThresholdSweep> m_sweep;
    policy::Metrics m_metrics;
    std::vector<std::pair<std::string, double>> m_rules;
    int m_active = 0;
    double m_xScale = 1.0;
    QString m_xUnit;
    double m_lastUpdateUs = 0;
    bool m_stale = false;

    ExplorerSetup *m_setup = nullptr;
    QLabel *m_description = nullptr;
    QWidget *m_sliderBox = nullptr;
    QGridLayout *m_sliderGrid = nullptr;
    std::vector<QSlider *> m_sliders;
    std::vector<QDoubleSpinBox *> m_spins;
    QGridLayout *m_metricGrid = nullptr;
    QMap<QString, QLabel *> m_metricLabels;
    QDoubleSpinBox *m_pdfQ = nullptr;
    QDoubleSpinBox *m_fidelity = nullptr;
    QComboBox *m_xMetric = nullptr;
    QCheckBox *m_logCounts = nullptr;
    QCheckBox *m_logX = nullptr;
    QLabel *m_rulesLabel = nullptr;

    ChartView *m_curveView = nullptr;
    QLineSeries *m_curve = nullptr;
    QScatterSeries *m_marker = nullptr;
    QScatterSeries *m_fullPoint = nullptr;
    std::vector<QScatterSeries *> m_ruleSeries;
    QAbstractAxis *m_curveX = nullptr;
    QValueAxis *m_curveY = nullptr;

    MarginHistogramChart *m_histView = nullptr;
};

} // namespace frontier::ui
