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

// The Pareto chart: for each study (a layer, in its own colour) every trial as a faded
// point, the front's members highlighted and joined in order of x, and the knee marked;
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
        std::vector<int> feasible;
    };

    explicit ParetoChart(QWidget *parent = nullptr);

    void setAxes(const std::string &x, const std::string &y, bool logX, bool logY);
    void setLayers(std::vector<Layer> layers);
    const std::vector<Layer> &layers() const { return m_layers; }
    void setSelected(int layer, int row);

    int pointCount(int layer) const;      // trials drawn
    int frontPointCount(int layer) const; // front members drawn
    int skippedCount() const { return m_skipped; }
    // The layer and row of the trial drawn nearest `pos` (widget coordinates) within
    // `radius` pixels, or (-1, -1).
    std::pair<int, int> nearest(const QPoint &pos, double radius = 10.0) const;
    QPointF position(int layer, int row) const; // widget coordinates of a drawn trial

    static QColor layerColor(int layer);

Q_SIGNALS:
    void pointClicked(int layer, int row);

private:
    struct Drawn
    {
        std::vector<int> rows;
        std::vector<QPointF> values; // scaled, as drawn
        QScatterSeries *all = nullptr;
        QScatterSeries *front = nullptr;
        int frontCount = 0;
    };

    void rebuild();
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
