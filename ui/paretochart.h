#pragma once

#include "chartview.h"
#include "metricinfo.h"

#include "study/studyresults.h"

#include <QColor>

#include <string>
#include <vector>

class QLineSeries;
class QScatterSeries;

namespace frontier::ui {

// The Pareto chart: for each layer (a study, or one group of a study: a device, a model…,
// in its own colour) every trial as a faded point (hollow when it breaks the
// constraints), the front's members highlighted and joined in order of x, the knee
// marked, and the oracle bound as a dashed curve;
// axes are two metrics, each linear or logarithmic, in readable units (MetricInfo).
// Hovering a point shows its configuration; clicking one emits pointClicked(); the
// selected trial is ringed. Zoom, pan, reset and exports come from ChartView. Trials with
// a NaN (or, on a log axis, non-positive) value are not drawn (skippedCount()).
class ParetoChart : public ChartView
{
    Q_OBJECT

public:
    struct Layer
    {
        QString name;
        const study::StudyResults *results = nullptr; // not owned; must outlive the layer
        study::FrontResult front;
        // Rows meeting the constraints, ascending; the axes fit these (all rows when
        // empty), so infeasible outliers do not squash the front. Zoom out to see them.
        // Infeasible trials are drawn hollow.
        std::vector<int> feasible;
        // The rows this layer draws, ascending (a group: one device, model, policy…);
        // empty: every row of results.
        std::vector<int> members;
        // The front of the bound (oracle) trials, drawn as a dashed curve; they are not
        // configurations one can deploy, so they are kept out of `front`.
        study::FrontResult bound;
        // The source (study) this layer belongs to: what pointClicked(), setSelected(),
        // pointCount() and the other per-study functions take; -1: the layer's index.
        int set = -1;
    };

    explicit ParetoChart(QWidget *parent = nullptr);

    void setAxes(const std::string &x, const std::string &y, bool logX, bool logY);
    void setLayers(std::vector<Layer> layers);
    const std::vector<Layer> &layers() const { return m_layers; }
    // The functions below take and return sets (Layer::set), not layers: a set drawn as
    // several groups is one set.
    void setSelected(int set, int row);

    int pointCount(int set) const;      // trials drawn
    int frontPointCount(int set) const; // front members drawn, over all its groups
    int layerCount() const { return int(m_layers.size()); }
    int skippedCount() const { return m_skipped; }
    // The set and row of the trial drawn nearest `pos` (widget coordinates) within
    // `radius` pixels, or (-1, -1).
    std::pair<int, int> nearest(const QPoint &pos, double radius = 10.0) const;
    QPointF position(int set, int row) const; // widget coordinates of a drawn trial

    static QColor layerColor(int layer);

Q_SIGNALS:
    void pointClicked(int set, int row);

private:
    struct Drawn
    {
        std::vector<int> rows;
        std::vector<QPointF> values; // scaled, as drawn
        QScatterSeries *all = nullptr;
        QScatterSeries *infeasible = nullptr;
        QScatterSeries *front = nullptr;
        int frontCount = 0;
    };

    void rebuild();
    int setOf(int layer) const;
    int layerOf(int set, int row) const; // the layer drawing that row, or -1
    std::pair<int, int> nearestLayer(const QPoint &pos, double radius) const;
    void showTip(const QPoint &pos);
    QString csvText() const;

    std::string m_x = "energy_pj";
    std::string m_y = "accuracy";
    bool m_logX = false;
    bool m_logY = false;
    MetricInfo m_xInfo;
    MetricInfo m_yInfo;
    std::vector<Layer> m_layers;
    std::vector<Drawn> m_drawn;
    QScatterSeries *m_selected = nullptr;
    int m_skipped = 0;
};

} // namespace frontier::ui
