#include "marginhistogramchart.h"

#include "theme.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

namespace frontier::ui {

namespace {

constexpr double kLogFloor = 0.5; // where zero counts sit on a log axis

} // namespace

MarginHistogramChart::MarginHistogramChart(QWidget *parent)
    : ChartView(new QChart, parent)
{
    setObjectName(QStringLiteral("marginHistogram"));
    setExportName(QStringLiteral("margin-histogram"));
    setCsvProvider([this] { return csvText(); });
    chart()->legend()->setAlignment(Qt::AlignBottom);
}

void MarginHistogramChart::setHistogram(std::shared_ptr<const MarginHistogram> histogram,
                                        const QString &stageName, const QString &confidenceName)
{
    m_hist = std::move(histogram);
    m_stage = stageName;
    m_confidence = confidenceName;
    rebuild();
}

void MarginHistogramChart::setLogCounts(bool log)
{
    m_log = log;
    if (m_hist)
        rebuild();
}

void MarginHistogramChart::rebuild()
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_upper.clear();
    const double hi = m_hist->lo() + m_hist->bins() * m_hist->binWidth();
    const QStringList names = {tr("kept (confidence ≥ τ)"), tr("escalated, same answer"),
                               tr("escalated, answer flipped")};
    const int colors[] = {0, 2, 3}; // blue, bluish green, vermillion
    for (int g = 0; g < 3; ++g) {
        auto *upper = new QLineSeries;
        QLineSeries *lower = nullptr;
        if (m_log) {
            lower = new QLineSeries;
            lower->append(m_hist->lo(), kLogFloor);
            lower->append(hi, kLogFloor);
        }
        auto *area = new QAreaSeries(upper, lower);
        area->setName(names[g]);
        QColor fill = Theme::seriesColor(colors[g]);
        area->setPen(QPen(fill, 1.5));
        fill.setAlpha(110);
        area->setBrush(fill);
        c->addSeries(area);
        m_upper.push_back(upper);
    }
    m_tauLine = new QLineSeries;
    m_tauLine->setName(tr("τ"));
    m_tauLine->setPen(QPen(palette().color(QPalette::WindowText), 1.5, Qt::DashLine));
    c->addSeries(m_tauLine);
    auto *x = new QValueAxis;
    x->setRange(m_hist->lo(), hi);
    x->setTitleText(m_confidence);
    x->setTickCount(11);
    const double largest = std::max(1, m_hist->at(-1e300).largest);
    QAbstractAxis *y = nullptr;
    if (m_log) {
        auto *axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setRange(kLogFloor, largest * 2.0);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setTitleText(tr("samples (log scale)"));
        m_top = largest * 2.0;
        y = axis;
    } else {
        auto *axis = new QValueAxis;
        axis->setRange(0, largest * 1.05);
        axis->setLabelFormat(QStringLiteral("%d"));
        axis->setTitleText(tr("samples"));
        m_top = largest * 1.05;
        y = axis;
    }
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *s : c->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    c->setTitle(
        tr("Samples reaching %1, by confidence (%2 samples)").arg(m_stage).arg(m_hist->reaching()));
    applyPalette();
    setTau(m_tau);
}

void MarginHistogramChart::clear(const QString &title)
{
    m_hist.reset();
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    m_upper.clear();
    m_tauLine = nullptr;
    c->setTitle(title);
}

void MarginHistogramChart::setTau(double tau)
{
    m_tau = tau;
    if (!m_hist)
        return;
    const MarginHistogram::Counts counts = m_hist->at(tau);
    const std::vector<int> *groups[] = {&counts.kept, &counts.escalated, &counts.flipped};
    for (int g = 0; g < 3; ++g) {
        QList<QPointF> steps;
        steps.reserve(2 * m_hist->bins());
        for (int b = 0; b < m_hist->bins(); ++b) {
            const int n = (*groups[g])[size_t(b)];
            const double y = m_log && n == 0 ? kLogFloor : double(n);
            const double x0 = m_hist->lo() + b * m_hist->binWidth();
            steps << QPointF(x0, y) << QPointF(x0 + m_hist->binWidth(), y);
        }
        m_upper[size_t(g)]->replace(steps);
    }
    m_tauLine->replace(QList<QPointF>{QPointF(tau, m_log ? kLogFloor : 0.0), QPointF(tau, m_top)});
}

QString MarginHistogramChart::csvText() const
{
    if (!m_hist)
        return {};
    const MarginHistogram::Counts c = m_hist->at(m_tau);
    QStringList lines = {QStringLiteral("# tau=%1").arg(m_tau),
                         QStringLiteral("bin_from,bin_to,kept,escalated,flipped")};
    for (int b = 0; b < m_hist->bins(); ++b) {
        const double from = m_hist->lo() + b * m_hist->binWidth();
        lines << QStringLiteral("%1,%2,%3,%4,%5")
                     .arg(from, 0, 'g', 10)
                     .arg(from + m_hist->binWidth(), 0, 'g', 10)
                     .arg(c.kept[size_t(b)])
                     .arg(c.escalated[size_t(b)])
                     .arg(c.flipped[size_t(b)]);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace frontier::ui
