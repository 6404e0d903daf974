#pragma once

#include "chartview.h"
#include "marginhistogram.h"

#include <memory>
#include <vector>

class QAbstractAxis;
class QLineSeries;

namespace frontier::ui {

// The threshold explorer's histogram: the confidences of the samples reaching one stage
// as three overlaid step areas (kept, escalated with the same answer, escalated and
// flipped; MarginHistogram) and a dashed line at τ, on linear or logarithmic counts.
// setHistogram() rebuilds the chart; setTau() only moves data (the slider's fast path).
class MarginHistogramChart : public ChartView
{
    Q_OBJECT

public:
    explicit MarginHistogramChart(QWidget *parent = nullptr);

    // `stageName` and `confidenceName` label the title and the x axis.
    void setHistogram(std::shared_ptr<const MarginHistogram> histogram, const QString &stageName,
                      const QString &confidenceName);
    void setTau(double tau);
    // No histogram (the outputs it came from no longer match the configuration).
    void clear(const QString &title);
    void setLogCounts(bool log);
    bool logCounts() const { return m_log; }
    const MarginHistogram *histogram() const { return m_hist.get(); }

private:
    void rebuild();
    QString csvText() const;

    std::shared_ptr<const MarginHistogram> m_hist;
    QString m_stage;
    QString m_confidence;
    double m_tau = 0;
    bool m_log = true;
    std::vector<QLineSeries *> m_upper; // kept, escalated, flipped
    QLineSeries *m_tauLine = nullptr;
    double m_top = 1;
};

} // namespace frontier::ui
