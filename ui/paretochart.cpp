#include "paretochart.h"

#include "theme.h"

#include <QChart>
#include <QCoreApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace frontier::ui {

namespace {

// Policy families: the order of the legend, a name and a marker shape each.
int familyIndex(policy::PolicyKind kind)
{
    switch (kind) {
    case policy::PolicyKind::Single:
        return 0;
    case policy::PolicyKind::Ari:
        return 1;
    case policy::PolicyKind::Hi:
        return 2;
    case policy::PolicyKind::Ee:
        return 3;
    case policy::PolicyKind::EeHi:
        return 4;
    case policy::PolicyKind::AriHi:
        return 5;
    case policy::PolicyKind::Intermittent:
        return 6;
    }
    return 7;
}

QString familyName(int family)
{
    static const char *names[]
        = {"single", "ARI", "HI", "EE", "EE-HI", "ARI-HI", "intermittent", "other"};
    return QCoreApplication::translate("ParetoChart", names[std::clamp(family, 0, 7)]);
}

QScatterSeries::MarkerShape familyShape(int family)
{
    switch (family) {
    case 0:
        return QScatterSeries::MarkerShapeCircle;
    case 1:
        return QScatterSeries::MarkerShapeRectangle;
    case 2:
        return QScatterSeries::MarkerShapeTriangle;
    case 3:
        return QScatterSeries::MarkerShapeRotatedRectangle;
    default:
        return QScatterSeries::MarkerShapePentagon;
    }
}

} // namespace

ParetoChart::ParetoChart(QWidget *parent)
    : ChartView(new QChart, parent)
{
    setObjectName(QStringLiteral("paretoChart"));
    setExportName(QStringLiteral("pareto"));
    chart()->legend()->setAlignment(Qt::AlignBottom);
    connect(this, &ChartView::hovered, this, &ParetoChart::showTip);
    connect(this, &ChartView::clicked, this, [this](const QPoint &pos) {
        const auto [set, row] = nearest(pos);
        if (set >= 0)
            Q_EMIT pointClicked(set, row);
    });
    setCsvProvider([this] { return csvText(); });
}

QColor ParetoChart::layerColor(int layer)
{
    return Theme::seriesColor(layer == 0 ? 0 : layer == 1 ? 3 : layer + 1);
}

void ParetoChart::setAxes(const std::string &x, const std::string &y, bool logX, bool logY)
{
    m_x = x;
    m_y = y;
    m_logX = logX;
    m_logY = logY;
    rebuild();
}

void ParetoChart::setLayers(std::vector<Layer> layers)
{
    m_layers = std::move(layers);
    rebuild();
}

int ParetoChart::setOf(int layer) const
{
    const int set = m_layers[size_t(layer)].set;
    return set >= 0 ? set : layer;
}

int ParetoChart::layerOf(int set, int row) const
{
    for (size_t li = 0; li < m_drawn.size(); ++li) {
        if (setOf(int(li)) != set)
            continue;
        const Drawn &d = m_drawn[li];
        if (std::binary_search(d.rows.begin(), d.rows.end(), row))
            return int(li);
    }
    return -1;
}

int ParetoChart::pointCount(int set) const
{
    int count = 0;
    for (size_t li = 0; li < m_drawn.size(); ++li)
        count += setOf(int(li)) == set ? int(m_drawn[li].rows.size()) : 0;
    return count;
}

int ParetoChart::frontPointCount(int set) const
{
    int count = 0;
    for (size_t li = 0; li < m_drawn.size(); ++li)
        count += setOf(int(li)) == set ? m_drawn[li].frontCount : 0;
    return count;
}

void ParetoChart::rebuild()
{
    QChart *c = chart();
    c->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries); // the families' shapes
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_drawn.assign(m_layers.size(), {});
    m_selected = nullptr;
    m_skipped = 0;
    double typicalX = 0, typicalY = 0;
    for (const Layer &l : m_layers) {
        const int cx = l.results->column(m_x);
        const int cy = l.results->column(m_y);
        for (int r = 0; cx >= 0 && cy >= 0 && r < l.results->rows(); ++r) {
            const double x = l.results->table().at(r, cx);
            const double y = l.results->table().at(r, cy);
            if (std::isfinite(x))
                typicalX = std::max(typicalX, std::abs(x));
            if (std::isfinite(y))
                typicalY = std::max(typicalY, std::abs(y));
        }
    }
    m_xInfo = MetricInfo::of(m_x, typicalX);
    m_yInfo = MetricInfo::of(m_y, typicalY);

    QAbstractAxis *axisX = nullptr;
    QAbstractAxis *axisY = nullptr;
    const auto makeAxis = [](bool log, const MetricInfo &info) -> QAbstractAxis * {
        if (log) {
            auto *a = new QLogValueAxis;
            a->setBase(10);
            a->setLabelFormat(QStringLiteral("%g"));
            a->setMinorTickCount(8);
            a->setTitleText(info.axisTitle() + QStringLiteral(", log scale"));
            return a;
        }
        auto *a = new QValueAxis;
        a->setTitleText(info.axisTitle());
        return a;
    };
    axisX = makeAxis(m_logX, m_xInfo);
    axisY = makeAxis(m_logY, m_yInfo);
    c->addAxis(axisX, Qt::AlignBottom);
    c->addAxis(axisY, Qt::AlignLeft);

    double minX = INFINITY, maxX = -INFINITY, minY = INFINITY, maxY = -INFINITY;
    bool anyFeasible = false;
    for (const Layer &l : m_layers)
        anyFeasible = anyFeasible || !l.feasible.empty();
    QStringList titles;
    std::set<int> usedFamilies;
    bool anyInfeasible = false, anyKnee = false;
    for (size_t li = 0; li < m_layers.size(); ++li) {
        const Layer &l = m_layers[li];
        Drawn &d = m_drawn[li];
        const QColor color = layerColor(int(li));
        const int cx = l.results->column(m_x);
        const int cy = l.results->column(m_y);
        QList<QPointF> all, infeasible;
        // Feasible trials by policy family, each family its own marker shape.
        std::map<int, QList<QPointF>> families;
        const bool withFamilies = l.results->hasConfigs() && l.results->rows() > 0;
        std::vector<int> everyRow;
        if (l.members.empty()) {
            everyRow.resize(size_t(l.results->rows()));
            for (int r = 0; r < l.results->rows(); ++r)
                everyRow[size_t(r)] = r;
        }
        for (int r : l.members.empty() ? everyRow : l.members) {
            const double x = cx >= 0 ? l.results->table().at(r, cx) * m_xInfo.scale : NAN;
            const double y = cy >= 0 ? l.results->table().at(r, cy) * m_yInfo.scale : NAN;
            if (!std::isfinite(x) || !std::isfinite(y) || (m_logX && x <= 0)
                || (m_logY && y <= 0)) {
                ++m_skipped;
                continue;
            }
            d.rows.push_back(r);
            d.values.emplace_back(x, y);
            if (anyFeasible && !std::binary_search(l.feasible.begin(), l.feasible.end(), r)) {
                infeasible << QPointF(x, y);
                continue;
            }
            all << QPointF(x, y);
            if (withFamilies)
                families[familyIndex(l.results->config(r).kind)] << QPointF(x, y);
            minX = std::min(minX, x);
            maxX = std::max(maxX, x);
            minY = std::min(minY, y);
            maxY = std::max(maxY, y);
        }
        // Faded by mixing with the background, not by transparency: coincident trials
        // must not add up to the front's colour.
        const QColor base = palette().color(QPalette::Base);
        const QColor faded = QColor::fromRgbF(0.35f * color.redF() + 0.65f * base.redF(),
                                              0.35f * color.greenF() + 0.65f * base.greenF(),
                                              0.35f * color.blueF() + 0.65f * base.blueF());
        d.all = new QScatterSeries;
        d.all->setName(tr("%1: all trials (%2)").arg(l.name).arg(d.rows.size()));
        d.all->setMarkerSize(7);
        d.all->setColor(faded);
        d.all->setBorderColor(faded);
        d.all->replace(all);
        // With policy families known, the families' series draw the points (in the layer's
        // faded colour, one shape per family) and `all` is kept, invisible, for the legend
        // count and for mapping points to the widget.
        if (withFamilies) {
            d.all->setColor(Qt::transparent);
            d.all->setBorderColor(Qt::transparent);
        }
        for (const auto &[family, points] : families) {
            auto *series = new QScatterSeries;
            series->setName(familyName(family));
            series->setMarkerShape(familyShape(family));
            series->setMarkerSize(8);
            series->setColor(faded);
            series->setBorderColor(faded.darker(108));
            series->replace(points);
            c->addSeries(series);
            series->attachAxis(axisX);
            series->attachAxis(axisY);
            c->legend()->markers(series).value(0)->setVisible(false);
            usedFamilies.insert(family);
        }
        d.infeasible = new QScatterSeries;
        d.infeasible->setName(tr("%1: infeasible (%2)").arg(l.name).arg(infeasible.size()));
        d.infeasible->setMarkerSize(7);
        d.infeasible->setColor(Qt::transparent);
        d.infeasible->setBorderColor(faded.darker(115));
        d.infeasible->replace(infeasible);

        // The front, in order of x, joined.
        std::vector<std::pair<QPointF, int>> front;
        for (int r : l.front.rows) {
            const auto it = std::lower_bound(d.rows.begin(), d.rows.end(), r);
            if (it != d.rows.end() && *it == r)
                front.emplace_back(d.values[size_t(it - d.rows.begin())], r);
        }
        std::sort(front.begin(), front.end(), [](const auto &a, const auto &b) {
            return a.first.x() < b.first.x()
                   || (a.first.x() == b.first.x() && a.first.y() < b.first.y());
        });
        d.frontCount = int(front.size());
        auto *line = new QLineSeries;
        line->setPen(QPen(color, 2));
        d.front = new QScatterSeries;
        d.front->setName(tr("%1: front %2 of %3").arg(l.name).arg(front.size()).arg(d.rows.size()));
        d.front->setMarkerSize(10);
        d.front->setColor(color);
        d.front->setBorderColor(palette().color(QPalette::Base));
        for (const auto &[p, r] : front) {
            line->append(p);
            d.front->append(p);
        }
        // The oracle bound: the front of the trials whose decision module knows the truth.
        QLineSeries *bound = nullptr;
        if (!l.bound.rows.empty()) {
            QList<QPointF> points;
            for (int r : l.bound.rows) {
                const double bx = cx >= 0 ? l.results->table().at(r, cx) * m_xInfo.scale : NAN;
                const double by = cy >= 0 ? l.results->table().at(r, cy) * m_yInfo.scale : NAN;
                if (std::isfinite(bx) && std::isfinite(by) && !(m_logX && bx <= 0)
                    && !(m_logY && by <= 0))
                    points << QPointF(bx, by);
            }
            std::sort(points.begin(), points.end(), [](const QPointF &a, const QPointF &b) {
                return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
            });
            bound = new QLineSeries;
            bound->setName(tr("%1: oracle bound (%2)").arg(l.name).arg(points.size()));
            bound->setPen(QPen(color, 1.5, Qt::DashLine));
            bound->replace(points);
        }
        for (QAbstractSeries *s :
             {static_cast<QAbstractSeries *>(d.all), static_cast<QAbstractSeries *>(d.infeasible),
              static_cast<QAbstractSeries *>(line), static_cast<QAbstractSeries *>(d.front),
              static_cast<QAbstractSeries *>(bound)}) {
            if (!s)
                continue;
            c->addSeries(s);
            s->attachAxis(axisX);
            s->attachAxis(axisY);
        }
        // The legend stays short: one entry per layer (its front, in its colour), then one
        // per policy family, infeasible and knee, in neutral colours (added after the loop).
        c->legend()->markers(line).value(0)->setVisible(false);
        c->legend()->markers(d.all).value(0)->setVisible(false);
        c->legend()->markers(d.infeasible).value(0)->setVisible(false);
        anyInfeasible = anyInfeasible || !infeasible.isEmpty();
        const auto knee = std::lower_bound(d.rows.begin(), d.rows.end(), l.front.knee);
        if (l.front.knee >= 0 && knee != d.rows.end() && *knee == l.front.knee) {
            auto *k = new QScatterSeries;
            k->setName(tr("%1: knee").arg(l.name));
            k->setMarkerShape(QScatterSeries::MarkerShapeStar);
            k->setMarkerSize(20);
            k->setColor(color.darker(130));
            k->setBorderColor(palette().color(QPalette::WindowText));
            k->append(d.values[size_t(knee - d.rows.begin())]);
            c->addSeries(k);
            k->attachAxis(axisX);
            k->attachAxis(axisY);
            c->legend()->markers(k).value(0)->setVisible(false);
            anyKnee = true;
        }
        titles << l.name;
    }
    // One legend entry per policy family drawn: its shape, in a neutral colour.
    for (int family : usedFamilies) {
        auto *key = new QScatterSeries;
        key->setName(familyName(family));
        key->setMarkerShape(familyShape(family));
        key->setMarkerSize(8);
        key->setColor(palette().color(QPalette::Mid));
        key->setBorderColor(palette().color(QPalette::Mid));
        c->addSeries(key);
        key->attachAxis(axisX);
        key->attachAxis(axisY);
    }
    const QColor neutral = palette().color(QPalette::Mid);
    if (anyInfeasible) {
        auto *key = new QScatterSeries;
        key->setName(tr("infeasible"));
        key->setMarkerSize(8);
        key->setColor(Qt::transparent);
        key->setBorderColor(neutral);
        c->addSeries(key);
        key->attachAxis(axisX);
        key->attachAxis(axisY);
    }
    if (anyKnee) {
        auto *key = new QScatterSeries;
        key->setName(tr("knee"));
        key->setMarkerShape(QScatterSeries::MarkerShapeStar);
        key->setMarkerSize(12);
        key->setColor(neutral);
        key->setBorderColor(palette().color(QPalette::WindowText));
        c->addSeries(key);
        key->attachAxis(axisX);
        key->attachAxis(axisY);
    }
    m_selected = new QScatterSeries;
    m_selected->setName(tr("selected"));
    m_selected->setMarkerSize(20);
    m_selected->setColor(Qt::transparent);
    m_selected->setPen(QPen(palette().color(QPalette::WindowText), 2.5));
    c->addSeries(m_selected);
    m_selected->attachAxis(axisX);
    m_selected->attachAxis(axisY);
    c->legend()->markers(m_selected).value(0)->setVisible(false);

    if (minX <= maxX) {
        // A margin around the points, never below zero for non-negative metrics nor past
        // 100 % for shares; nice tick values on linear axes.
        const auto range
            = [](QAbstractAxis *axis, double lo, double hi, bool log, const MetricInfo &info) {
                  if (log) {
                      axis->setRange(lo / 1.25, hi * 1.25);
                      return;
                  }
                  const double span = hi > lo ? hi - lo : std::max(1e-9, std::abs(hi));
                  double from = lo - span * 0.05;
                  double to = hi + span * 0.05;
                  if (lo >= 0)
                      from = std::max(0.0, from);
                  if (info.unit == QLatin1String("%"))
                      to = std::min(100.0, to);
                  auto *v = static_cast<QValueAxis *>(axis);
                  v->setRange(from, to);
                  v->applyNiceNumbers();
                  if (lo >= 0 && v->min() < 0)
                      v->setMin(0);
              };
        range(axisX, minX, maxX, m_logX, m_xInfo);
        range(axisY, minY, maxY, m_logY, m_yInfo);
    }
    c->setTitle(tr("%1 against %2: %3")
                    .arg(m_yInfo.title, m_xInfo.title, titles.join(QStringLiteral(", "))));
    applyPalette();
    c->zoomReset();
}

void ParetoChart::setSelected(int set, int row)
{
    if (!m_selected)
        return;
    const int layer = layerOf(set, row);
    QList<QPointF> point;
    if (layer >= 0 && layer < int(m_drawn.size())) {
        const Drawn &d = m_drawn[size_t(layer)];
        const auto it = std::lower_bound(d.rows.begin(), d.rows.end(), row);
        if (it != d.rows.end() && *it == row)
            point << d.values[size_t(it - d.rows.begin())];
    }
    m_selected->replace(point);
}

QPointF ParetoChart::position(int set, int row) const
{
    const int layer = layerOf(set, row);
    if (layer < 0)
        return {};
    const Drawn &d = m_drawn[size_t(layer)];
    const auto it = std::lower_bound(d.rows.begin(), d.rows.end(), row);
    if (it == d.rows.end() || *it != row)
        return {};
    return mapFromScene(chart()->mapToPosition(d.values[size_t(it - d.rows.begin())], d.all));
}

std::pair<int, int> ParetoChart::nearest(const QPoint &pos, double radius) const
{
    const auto [layer, row] = nearestLayer(pos, radius);
    return layer >= 0 ? std::pair<int, int>(setOf(layer), row) : std::pair<int, int>(-1, -1);
}

std::pair<int, int> ParetoChart::nearestLayer(const QPoint &pos, double radius) const
{
    std::pair<int, int> best(-1, -1);
    double bestDistance = radius * radius;
    const QPointF scenePos = mapToScene(pos);
    if (!chart()->plotArea().contains(scenePos))
        return best;
    for (size_t li = 0; li < m_drawn.size(); ++li) {
        const Drawn &d = m_drawn[li];
        for (size_t i = 0; i < d.values.size(); ++i) {
            const QPointF p = chart()->mapToPosition(d.values[i], d.all);
            const double dx = p.x() - scenePos.x();
            const double dy = p.y() - scenePos.y();
            const double distance = dx * dx + dy * dy;
            if (distance < bestDistance) {
                bestDistance = distance;
                best = {int(li), d.rows[i]};
            }
        }
    }
    return best;
}

void ParetoChart::showTip(const QPoint &pos)
{
    const auto [layer, row] = nearestLayer(pos, 10.0);
    if (layer < 0) {
        QToolTip::hideText();
        return;
    }
    const Layer &l = m_layers[size_t(layer)];
    const int cx = l.results->column(m_x);
    const int cy = l.results->column(m_y);
    const bool onFront = std::binary_search(l.front.rows.begin(), l.front.rows.end(), row);
    const QString text
        = tr("<b>%1</b> · trial %2%3<br>%4<br>%5: %6<br>%7: %8")
              .arg(l.name.toHtmlEscaped())
              .arg(l.results->table().trialIds[size_t(row)])
              .arg(onFront ? tr(" · on the front") : QString())
              .arg(QString::fromStdString(l.results->config(row).label()).toHtmlEscaped())
              .arg(m_xInfo.title, m_xInfo.format(l.results->table().at(row, cx)))
              .arg(m_yInfo.title, m_yInfo.format(l.results->table().at(row, cy)));
    QToolTip::showText(mapToGlobal(pos), text, this);
}

QString ParetoChart::csvText() const
{
    QStringList lines = {QStringLiteral("study,trial,%1,%2,front,configuration")
                             .arg(QString::fromStdString(m_x), QString::fromStdString(m_y))};
    for (size_t li = 0; li < m_layers.size(); ++li) {
        const Layer &l = m_layers[li];
        const int cx = l.results->column(m_x);
        const int cy = l.results->column(m_y);
        for (int r : m_drawn[li].rows) {
            QString label = QString::fromStdString(l.results->config(r).label());
            label.replace(QLatin1String("\""), QLatin1String("\"\""));
            lines << QStringLiteral("%1,%2,%3,%4,%5,\"%6\"")
                         .arg(l.name)
                         .arg(l.results->table().trialIds[size_t(r)])
                         .arg(l.results->table().at(r, cx), 0, 'g', 12)
                         .arg(l.results->table().at(r, cy), 0, 'g', 12)
                         .arg(std::binary_search(l.front.rows.begin(), l.front.rows.end(), r) ? 1
                                                                                              : 0)
                         .arg(label);
        }
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace frontier::ui
