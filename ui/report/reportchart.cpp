#include "reportchart.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace frontier::report {

namespace {

// Colour-blind-safe (Okabe–Ito), readable on white and in grey print.
QColor paletteColour(int index)
{
    static const QColor colours[]
        = {QColor(0x99, 0x99, 0x99), QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
           QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7), QColor(0xE6, 0x9F, 0x00),
           QColor(0x56, 0xB4, 0xE9), QColor(0x33, 0x33, 0x33)};
    return colours[size_t(std::abs(index)) % (sizeof colours / sizeof colours[0])];
}

// The policy families' colours (single, ARI, HI, EE, EE-HI, ARI-HI, other) for the faded
// trial dots.
QColor familyColour(int index)
{
    static const QColor colours[]
        = {QColor(0x80, 0x80, 0x80), QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
           QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7), QColor(0xD5, 0x5E, 0x00),
           QColor(0x33, 0x33, 0x33)};
    return colours[size_t(std::clamp(index, 0, 6))];
}

struct Range
{
    double lo = INFINITY, hi = -INFINITY;
    void add(double v)
    {
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    bool empty() const { return !(lo <= hi); }
};

QAbstractAxis *makeAxis(bool log, Range range, const QString &title, bool forceZero,
                        double floor = -INFINITY, double ceiling = INFINITY)
{
    QFont titleFont;
    titleFont.setPointSizeF(9);
    QFont labelFont;
    labelFont.setPointSizeF(8);
    if (range.empty())
        range = {0, 1};
    if (log) {
        auto *axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(8);
        const double lo = std::pow(10.0, std::floor(std::log10(range.lo)));
        const double hi = std::pow(10.0, std::ceil(std::log10(range.hi)));
        axis->setRange(lo, hi > lo ? hi : lo * 10);
        axis->setTitleText(title);
        axis->setTitleFont(titleFont);
        axis->setLabelsFont(labelFont);
        return axis;
    }
    auto *axis = new QValueAxis;
    double lo = forceZero ? std::min(0.0, range.lo) : range.lo;
    double hi = range.hi;
    if (hi - lo <= 0) {
        lo -= 0.5;
        hi += 0.5;
    }
    const double pad = (hi - lo) * 0.04;
    axis->setRange(std::max(floor, forceZero && lo == 0 ? 0 : lo - pad),
                   std::min(ceiling, hi + pad));
    axis->applyNiceNumbers();
    axis->setRange(std::max(floor, axis->min()), std::min(ceiling, axis->max()));
    axis->setLabelFormat(QStringLiteral("%g"));
    axis->setTitleText(title);
    axis->setTitleFont(titleFont);
    axis->setLabelsFont(labelFont);
    return axis;
}

void attach(QChart *chart, QAbstractSeries *series, QAbstractAxis *x, QAbstractAxis *y)
{
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
}

// Builds the Qt Charts chart of a spec; the caller owns it.
QChart *buildChart(const Chart &spec)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    QFont titleFont;
    titleFont.setPointSizeF(10);
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setTitle(QString::fromStdString(spec.title));
    QFont legendFont;
    legendFont.setPointSizeF(8);
    chart->legend()->setFont(legendFont);
    chart->legend()->setAlignment(Qt::AlignBottom);

    const bool bars = std::any_of(spec.series.begin(), spec.series.end(), [](const ChartSeries &s) {
        return s.style == ChartSeries::Style::Bars;
    });
    Range xr, yr;
    for (const ChartSeries &s : spec.series) {
        for (const ChartPoint &p : s.points) {
            xr.add(p.x);
            yr.add(p.y);
        }
    }
    for (const ChartMarker &m : spec.markers)
        xr.add(m.x);
    const bool nonNegativeX = xr.empty() || xr.lo >= 0;
    const bool nonNegativeY = yr.empty() || yr.lo >= 0;
    if (!std::isnan(spec.xMin))
        xr.lo = spec.xMin;
    if (!std::isnan(spec.xMax))
        xr.hi = spec.xMax;
    if (!std::isnan(spec.yMin))
        yr.lo = spec.yMin;
    if (!std::isnan(spec.yMax))
        yr.hi = spec.yMax;

    if (bars) {
        auto *series = new QBarSeries;
        for (const ChartSeries &s : spec.series) {
            auto *set = new QBarSet(QString::fromStdString(s.name));
            set->setColor(paletteColour(s.colour));
            set->setBorderColor(paletteColour(s.colour).darker(130));
            std::vector<double> values(spec.categories.size(), 0.0);
            for (const ChartPoint &p : s.points) {
                const size_t i = size_t(std::llround(p.x));
                if (i < values.size())
                    values[i] = p.y;
            }
            for (double v : values)
                set->append(spec.logY && v <= 0 ? yr.lo : v);
            series->append(set);
        }
        auto *x = new QBarCategoryAxis;
        QStringList categories;
        for (const std::string &c : spec.categories)
            categories << QString::fromStdString(c);
        x->append(categories);
        x->setTitleText(QString::fromStdString(spec.xTitle));
        QFont f;
        f.setPointSizeF(7.5);
        x->setLabelsFont(f);
        if (categories.size() > 6)
            x->setLabelsAngle(-45);
        QAbstractAxis *y = makeAxis(spec.logY, yr, QString::fromStdString(spec.yTitle), true);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        attach(chart, series, x, y);
        return chart;
    }

    const bool shares = spec.yTitle.find("(%)") != std::string::npos;
    QAbstractAxis *x
        = makeAxis(spec.logX, xr, QString::fromStdString(spec.xTitle), false,
                   nonNegativeX ? 0.0 : -INFINITY, std::isnan(spec.xMax) ? INFINITY : spec.xMax);
    QAbstractAxis *y
        = makeAxis(spec.logY, yr, QString::fromStdString(spec.yTitle), false,
                   shares || nonNegativeY ? 0.0 : -INFINITY, shares ? 100.0 : INFINITY);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);

    for (const ChartSeries &s : spec.series) {
        const QColor colour = paletteColour(s.colour);
        const QString name = QString::fromStdString(s.name);
        auto points = [&](QXYSeries *series) {
            for (const ChartPoint &p : s.points)
                series->append(p.x, p.y);
        };
        switch (s.style) {
        case ChartSeries::Style::Faded:
        case ChartSeries::Style::Infeasible: {
            auto *series = new QScatterSeries;
            series->setName(name);
            series->setMarkerSize(s.style == ChartSeries::Style::Faded ? 5 : 6);
            QColor fill = s.colour >= 8 ? familyColour(s.colour - 8) : QColor(0xB0, 0xB0, 0xB0);
            fill.setAlpha(120);
            if (s.style == ChartSeries::Style::Faded) {
                series->setColor(fill);
                series->setBorderColor(Qt::transparent);
            } else {
                series->setBrush(Qt::NoBrush);
                series->setPen(QPen(QColor(0x90, 0x90, 0x90), 1.0));
            }
            points(series);
            attach(chart, series, x, y);
            break;
        }
        case ChartSeries::Style::Front:
        case ChartSeries::Style::Overlay:
        case ChartSeries::Style::Bound:
        case ChartSeries::Style::Line: {
            auto *line = new QLineSeries;
            line->setName(name);
            QPen pen(colour, s.style == ChartSeries::Style::Front ? 2.2 : 1.6);
            if (s.style == ChartSeries::Style::Bound)
                pen.setStyle(Qt::DashLine);
            line->setPen(pen);
            line->setPointsVisible(true); // a bound of one trial is a point, not a line
            line->setMarkerSize(s.style == ChartSeries::Style::Front ? 7 : 5);
            points(line);
            attach(chart, line, x, y);
            break;
        }
        case ChartSeries::Style::Knee: {
            auto *knee = new QScatterSeries;
            knee->setName(name);
            knee->setMarkerShape(QScatterSeries::MarkerShapeStar);
            knee->setMarkerSize(18);
            knee->setColor(colour);
            knee->setBorderColor(Qt::black);
            points(knee);
            attach(chart, knee, x, y);
            break;
        }
        case ChartSeries::Style::Bars:
            break;
        }
    }
    int markerColour = 4;
    for (const ChartMarker &m : spec.markers) {
        auto *line = new QLineSeries;
        line->setName(QString::fromStdString(m.label));
        QPen pen(paletteColour(markerColour++), 1.2, Qt::DotLine);
        line->setPen(pen);
        const double lo = y->property("min").toDouble(), hi = y->property("max").toDouble();
        line->append(m.x, lo);
        line->append(m.x, hi);
        attach(chart, line, x, y);
    }
    // Legend entries only for named series.
    for (QLegendMarker *marker : chart->legend()->markers()) {
        if (marker->label().isEmpty())
            marker->setVisible(false);
    }
    return chart;
}

} // namespace

QSizeF chartSize(const Chart &chart, double width)
{
    return {width, width * chart.aspect};
}

void paintChart(const Chart &spec, QPainter *painter, const QRectF &target, double logicalWidth)
{
    QChart *chart = buildChart(spec);
    QChartView view(chart); // owns the chart
    view.setAttribute(Qt::WA_DontShowOnScreen);
    view.setRenderHint(QPainter::Antialiasing);
    view.setFrameShape(QFrame::NoFrame);
    const QSize size = chartSize(spec, logicalWidth).toSize();
    view.resize(size);
    chart->resize(QSizeF(size));
    QApplication::processEvents(); // lays the chart out; nothing is shown
    view.render(painter, target, QRect(QPoint(0, 0), size));
}

std::string chartSvg(const Chart &spec, double width)
{
    const QSize size = chartSize(spec, width).toSize();
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(QString::fromStdString(spec.title));
        QPainter painter(&generator);
        paintChart(spec, &painter, QRectF(QPointF(0, 0), QSizeF(size)), width);
    }
    std::string svg = buffer.data().toStdString();
    // Inline in XHTML: drop the XML declaration and the DOCTYPE, keep the <svg> element.
    const size_t start = svg.find("<svg");
    if (start != std::string::npos)
        svg.erase(0, start);
    return svg;
}

} // namespace frontier::report
