#include "thresholdexplorer.h"

#include "chartview.h"
#include "explorersetup.h"
#include "marginhistogram.h"
#include "marginhistogramchart.h"
#include "theme.h"
#include "units.h"

#include "model/engine.h"

#include <QAreaSeries>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QValueAxis>

#include <cmath>

namespace frontier::ui {

namespace {

QLabel *valueLabel(const QString &name)
{
    auto *label = new QLabel(QStringLiteral("–"));
    label->setObjectName(name);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.25);
    f.setBold(true);
    label->setFont(f);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// Whether the form's request would compute the same outputs as `b` did.
bool sameRequest(const ExplorerRequest &a, const ExplorerRequest &b)
{
    return a.policy == b.policy && a.dataset == b.dataset && a.modelPath == b.modelPath
           && a.formats == b.formats && a.fullFormat == b.fullFormat
           && a.remoteModelPath == b.remoteModelPath && a.remoteAccuracy == b.remoteAccuracy
           && a.decision == b.decision && a.device == b.device && a.link == b.link
           && a.maxTest == b.maxTest;
}

} // namespace

ThresholdExplorer::ThresholdExplorer(QWidget *parent)
    : QWidget(parent)
{
    m_setup = new ExplorerSetup;
    connect(m_setup, &ExplorerSetup::computeRequested, this, &ThresholdExplorer::computeRequested);
    connect(m_setup, &ExplorerSetup::changed, this, &ThresholdExplorer::setupChanged);
    auto *setupBox = new QGroupBox(tr("Configuration"));
    auto *setupLayout = new QVBoxLayout(setupBox);
    setupLayout->addWidget(m_setup);

    m_sliderBox = new QGroupBox(tr("Thresholds"));
    m_sliderGrid = new QGridLayout(m_sliderBox);
    m_sliderGrid->addWidget(new QLabel(tr("Compute the outputs to start.")), 0, 0);

    auto *metricBox = new QGroupBox(tr("At this threshold (test split)"));
    m_metricGrid = new QGridLayout(metricBox);
    const QList<QPair<QString, QString>> metrics
        = {{QStringLiteral("accuracy"), tr("Accuracy")},
           {QStringLiteral("fidelity"), tr("Fidelity to full model")},
           {QStringLiteral("escalated"), tr("Escalated")},
           {QStringLiteral("offloaded"), tr("Offloaded")},
           {QStringLiteral("energy"), tr("Energy per inference")},
           {QStringLiteral("saving"), tr("Energy saving")},
           {QStringLiteral("latency"), tr("Mean latency")}};
    for (int i = 0; i < metrics.size(); ++i) {
        auto *label = valueLabel(QStringLiteral("metric_") + metrics[i].first);
        m_metricLabels.insert(metrics[i].first, label);
        m_metricGrid->addWidget(new QLabel(metrics[i].second), i, 0);
        m_metricGrid->addWidget(label, i, 1);
    }

    auto *ruleBox = new QGroupBox(tr("Threshold rules (calibration split)"));
    auto *ruleGrid = new QGridLayout(ruleBox);
    m_pdfQ = new QDoubleSpinBox;
    m_pdfQ->setObjectName(QStringLiteral("rulePdfQ"));
    m_pdfQ->setRange(0.5, 0.9999);
    m_pdfQ->setDecimals(4);
    m_pdfQ->setSingleStep(0.01);
    m_pdfQ->setValue(0.99);
    m_fidelity = new QDoubleSpinBox;
    m_fidelity->setObjectName(QStringLiteral("ruleFidelity"));
    m_fidelity->setRange(0.5, 1.0);
    m_fidelity->setDecimals(3);
    m_fidelity->setSingleStep(0.005);
    m_fidelity->setValue(0.99);
    m_rulesLabel = new QLabel(tr("ARI only"));
    m_rulesLabel->setObjectName(QStringLiteral("rulesLabel"));
    m_rulesLabel->setWordWrap(true);
    m_rulesLabel->setToolTip(tr("Click a rule to set τ to its value"));
    connect(m_rulesLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        const int r = link.toInt();
        if (r >= 0 && r < int(m_rules.size()))
            setTau(m_active, m_rules[size_t(r)].second);
    });
    ruleGrid->addWidget(new QLabel(tr("PDF q:")), 0, 0);
    ruleGrid->addWidget(m_pdfQ, 0, 1);
    ruleGrid->addWidget(new QLabel(tr("fidelity ≥")), 0, 2);
    ruleGrid->addWidget(m_fidelity, 0, 3);
    ruleGrid->addWidget(m_rulesLabel, 1, 0, 1, 4);
    const auto rulesChanged = [this] {
        if (m_sweep)
            activateStage(m_active);
    };
    connect(m_pdfQ, &QDoubleSpinBox::valueChanged, this, rulesChanged);
    connect(m_fidelity, &QDoubleSpinBox::valueChanged, this, rulesChanged);

    auto *panel = new QWidget;
    auto *panelLayout = new QVBoxLayout(panel);
    panelLayout->addWidget(setupBox);
    panelLayout->addWidget(m_sliderBox);
    panelLayout->addWidget(metricBox);
    panelLayout->addWidget(ruleBox);
    panelLayout->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(panel->sizeHint().width() + 24);

    // The accuracy–energy curve.
    auto *curveChart = new QChart;
    curveChart->legend()->setAlignment(Qt::AlignRight);
    m_curve = new QLineSeries;
    m_curve->setName(tr("τ from 0 to 1"));
    m_curve->setPointsVisible(false);
    m_curve->setPen(QPen(Theme::seriesColor(0), 2));
    m_fullPoint = new QScatterSeries;
    m_fullPoint->setName(tr("full model"));
    m_fullPoint->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_fullPoint->setMarkerSize(11);
    m_fullPoint->setColor(Theme::seriesColor(2));
    // A ring, drawn last: a rule's marker at the same point shows inside it.
    m_marker = new QScatterSeries;
    m_marker->setName(tr("current τ"));
    m_marker->setMarkerSize(24);
    m_marker->setBrush(Qt::NoBrush);
    m_marker->setPen(QPen(Theme::seriesColor(3), 3));
    curveChart->addSeries(m_curve);
    curveChart->addSeries(m_fullPoint);
    curveChart->addSeries(m_marker);
    m_curveY = new QValueAxis;
    m_curveY->setTitleText(tr("accuracy (%)"));
    curveChart->addAxis(m_curveY, Qt::AlignLeft);
    for (QAbstractSeries *s : curveChart->series())
        s->attachAxis(m_curveY);
    m_curveView = new ChartView(curveChart);
    m_curveView->setObjectName(QStringLiteral("thresholdCurve"));
    m_curveView->setExportName(QStringLiteral("threshold-curve"));
    m_curveView->setCsvProvider([this] { return curveCsv(); });
    replaceCurveXAxis(false);
    m_xMetric = new QComboBox;
    m_xMetric->addItems({tr("energy per inference (device + remote)"),
                         tr("device energy per inference"), tr("latency")});
    connect(m_xMetric, &QComboBox::currentIndexChanged, this, [this] {
        if (m_sweep) {
            rebuildCurve();
            updateShown();
        }
    });

    // The confidence histogram.
    m_histView = new MarginHistogramChart;
    m_logX = new QCheckBox(tr("log"));
    m_logX->setObjectName(QStringLiteral("curveLogX"));
    connect(m_logX, &QCheckBox::toggled, this, [this] {
        if (m_sweep) {
            rebuildCurve();
            updateShown();
        }
    });
    m_logCounts = new QCheckBox(tr("Logarithmic counts"));
    m_logCounts->setChecked(true);
    connect(m_logCounts, &QCheckBox::toggled, m_histView, &MarginHistogramChart::setLogCounts);

    m_description = new QLabel(tr("Choose a model and a policy, then compute the outputs: "
                                  "every tier runs once, and every threshold is then "
                                  "evaluated from those cached outputs."));
    m_description->setObjectName(QStringLiteral("explorerDescription"));
    m_description->setWordWrap(true);
    auto *curveBox = new QWidget;
    auto *curveLayout = new QVBoxLayout(curveBox);
    curveLayout->setContentsMargins(0, 0, 0, 0);
    auto *curveControls = new QHBoxLayout;
    curveControls->addWidget(new QLabel(tr("x axis:")));
    curveControls->addWidget(m_xMetric);
    curveControls->addWidget(m_logX);
    curveControls->addStretch(1);
    curveControls->addWidget(m_logCounts);
    curveLayout->addLayout(curveControls);
    curveLayout->addWidget(m_curveView, 1);
    auto *charts = new QSplitter(Qt::Vertical);
    charts->addWidget(curveBox);
    charts->addWidget(m_histView);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 2);
    charts->setSizes({400, 300});
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_description);
    leftLayout->addWidget(charts, 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(scroll);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);
    m_curveView->applyPalette();
}

ThresholdExplorer::~ThresholdExplorer() = default;

void ThresholdExplorer::setBusy(bool busy)
{
    m_setup->setBusy(busy);
}

void ThresholdExplorer::setError(const QString &message)
{
    m_description->setText(
        QStringLiteral("<span style='color:#d55e00'>%1</span>").arg(message.toHtmlEscaped()));
}

QSlider *ThresholdExplorer::slider(int stage) const
{
    return stage >= 0 && stage < sliderCount() ? m_sliders[size_t(stage)] : nullptr;
}

std::vector<double> ThresholdExplorer::taus() const
{
    std::vector<double> t;
    for (const QSlider *s : m_sliders)
        t.push_back(double(s->value()) / kSliderSteps);
    return t;
}

void ThresholdExplorer::setTau(int stage, double tau)
{
    if (QSlider *s = slider(stage))
        s->setValue(int(std::lround(std::clamp(tau, 0.0, 1.0) * kSliderSteps)));
}

QString ThresholdExplorer::metricText(const QString &name) const
{
    const QLabel *label = m_metricLabels.value(name);
    return label ? label->text() : QString();
}

int ThresholdExplorer::curvePointCount() const
{
    return int(m_curve->count());
}

void ThresholdExplorer::setupChanged()
{
    if (!m_data || m_stale)
        return;
    ExplorerRequest now;
    QString ignored;
    if (!m_setup->request(&now, &ignored) || !sameRequest(now, m_data->request))
        markStale();
}

void ThresholdExplorer::markStale()
{
    m_stale = true;
    m_data.reset();
    m_sweep.reset();
    m_cascade.reset();
    m_rules.clear();
    while (QLayoutItem *item = m_sliderGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_sliders.clear();
    m_spins.clear();
    m_sliderGrid->addWidget(new QLabel(tr("Compute the outputs for the new configuration.")), 0, 0);
    for (QLabel *label : std::as_const(m_metricLabels))
        label->setText(QStringLiteral("–"));
    m_pdfQ->setEnabled(true);
    m_fidelity->setEnabled(true);
    m_rulesLabel->setText(tr("Compute the outputs to see the rules' thresholds."));
    QChart *chart = m_curveView->chart();
    for (QScatterSeries *s : m_ruleSeries) {
        chart->removeSeries(s);
        delete s;
    }
    m_ruleSeries.clear();
    m_curve->clear();
    m_marker->clear();
    m_fullPoint->clear();
    chart->setTitle(tr("The configuration changed: compute the outputs again"));
    m_histView->clear(tr("The configuration changed: compute the outputs again"));
    m_description->setText(tr("The configuration changed since these outputs were computed: "
                              "compute them again to see its curve and numbers."));
}

void ThresholdExplorer::setData(std::shared_ptr<const ExplorerData> data)
{
    m_data = std::move(data);
    m_stale = false;
    m_description->setText(QString::fromStdString(m_data->description).toHtmlEscaped());
    std::vector<double> initial;
    for (int s = 0; s < m_data->thresholdCount(); ++s) {
        const auto rules = m_data->ruleThresholds(s, m_pdfQ->value(), m_fidelity->value());
        initial.push_back(rules.empty() ? 0.5 : std::min(1.0, rules.front().second));
    }
    m_cascade.emplace(m_data->cascade(initial));
    buildSliders();
    for (int s = 0; s < sliderCount(); ++s) {
        const QSignalBlocker block(m_sliders[size_t(s)]);
        m_sliders[size_t(s)]->setValue(int(std::lround(initial[size_t(s)] * kSliderSteps)));
        m_spins[size_t(s)]->setValue(initial[size_t(s)]);
        m_cascade->setThreshold(s, double(m_sliders[size_t(s)]->value()) / kSliderSteps);
    }
    m_metricLabels.value(QStringLiteral("offloaded"))
        ->setEnabled(m_data->request.policy == ExplorerRequest::Policy::Hi);
    activateStage(0);
}

void ThresholdExplorer::buildSliders()
{
    while (QLayoutItem *item = m_sliderGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_sliders.clear();
    m_spins.clear();
    for (int s = 0; s < m_data->thresholdCount(); ++s) {
        const QString from = QString::fromStdString(m_data->tiers[size_t(s)].name);
        const QString to = QString::fromStdString(m_data->tiers[size_t(s) + 1].name);
        auto *label = new QLabel(tr("τ%1: %2 → %3").arg(s + 1).arg(from, to));
        label->setObjectName(QStringLiteral("tauLabel%1").arg(s));
        label->setToolTip(tr("Stop at %1 when its %2 is at least τ")
                              .arg(from, QString::fromStdString(m_data->confidenceName())));
        auto *slider = new QSlider(Qt::Horizontal);
        slider->setObjectName(QStringLiteral("tauSlider%1").arg(s));
        slider->setRange(0, kSliderSteps);
        slider->setPageStep(kSliderSteps / 20);
        slider->setMinimumWidth(160);
        auto *spin = new QDoubleSpinBox;
        spin->setRange(0.0, 1.0);
        spin->setDecimals(3);
        spin->setSingleStep(0.001);
        m_sliderGrid->addWidget(label, 2 * s, 0, 1, 2);
        m_sliderGrid->addWidget(slider, 2 * s + 1, 0);
        m_sliderGrid->addWidget(spin, 2 * s + 1, 1);
        m_sliders.push_back(slider);
        m_spins.push_back(spin);
        connect(slider, &QSlider::valueChanged, this,
                [this, s](int value) { onSliderChanged(s, value); });
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, s](double tau) {
            if (std::lround(tau * kSliderSteps) != m_sliders[size_t(s)]->value())
                setTau(s, tau);
        });
    }
}

void ThresholdExplorer::onSliderChanged(int stage, int value)
{
    const double tau = double(value) / kSliderSteps;
    {
        const QSignalBlocker block(m_spins[size_t(stage)]);
        m_spins[size_t(stage)]->setValue(tau);
    }
    m_cascade->setThreshold(stage, tau);
    if (stage != m_active)
        activateStage(stage); // the other stages' sweeps saw the old τ: rebuild for this one
    else
        updateShown();
}

void ThresholdExplorer::activateStage(int stage)
{
    m_active = stage;
    for (int s = 0; s < sliderCount(); ++s) {
        if (auto *label = findChild<QLabel *>(QStringLiteral("tauLabel%1").arg(s))) {
            QFont f = label->font();
            f.setBold(s == stage);
            label->setFont(f);
        }
    }
    m_sweep.emplace(*m_cascade, stage);
    m_histView->setHistogram(std::make_shared<MarginHistogram>(*m_cascade, stage),
                             QString::fromStdString(m_data->tiers[size_t(stage)].name),
                             QString::fromStdString(m_data->confidenceName()));
    m_rules = m_data->ruleThresholds(stage, m_pdfQ->value(), m_fidelity->value());
    QStringList ruleText;
    for (size_t r = 0; r < m_rules.size(); ++r)
        ruleText << tr("<a href=\"%1\">%2</a>: τ = %3")
                        .arg(r)
                        .arg(QString::fromStdString(m_rules[r].first).toHtmlEscaped())
                        .arg(m_rules[r].second, 0, 'f', 4);
    // The rules choose ARI's margin thresholds; other policies' thresholds are set on
    // the sliders, so the rules' inputs are disabled there.
    const bool rulesApply = !m_rules.empty();
    m_pdfQ->setEnabled(rulesApply);
    m_fidelity->setEnabled(rulesApply);
    m_rulesLabel->setText(rulesApply ? ruleText.join(QStringLiteral("<br>"))
                                     : tr("No rule applies to this policy: the rules (M, PDF q, "
                                          "fidelity) choose ARI's margin thresholds."));
    rebuildCurve();
    updateShown();
}

void ThresholdExplorer::setLogX(bool log)
{
    m_logX->setChecked(log);
}

void ThresholdExplorer::replaceCurveXAxis(bool log)
{
    QChart *chart = m_curveView->chart();
    if (m_curveX && (qobject_cast<QLogValueAxis *>(m_curveX) != nullptr) == log)
        return;
    if (m_curveX) {
        chart->removeAxis(m_curveX);
        delete m_curveX;
    }
    if (log) {
        auto *axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(8);
        m_curveX = axis;
    } else {
        m_curveX = new QValueAxis;
    }
    chart->addAxis(m_curveX, Qt::AlignBottom);
    for (QAbstractSeries *s : chart->series())
        s->attachAxis(m_curveX);
}

double ThresholdExplorer::xValue(const policy::Metrics &m) const
{
    switch (m_xMetric->currentIndex()) {
    case 1:
        return m.deviceEnergy_pj * m_xScale;
    case 2:
        return m.latency_us * m_xScale;
    default:
        return m.energy_pj * m_xScale;
    }
}

QString ThresholdExplorer::xTitle() const
{
    switch (m_xMetric->currentIndex()) {
    case 1:
        return tr("device energy per inference (%1)").arg(m_xUnit);
    case 2:
        return tr("mean latency (%1)").arg(m_xUnit);
    default:
        return tr("energy per inference (%1)").arg(m_xUnit);
    }
}

void ThresholdExplorer::rebuildCurve()
{
    QChart *chart = m_curveView->chart();
    for (QScatterSeries *s : m_ruleSeries) {
        chart->removeSeries(s);
        delete s;
    }
    m_ruleSeries.clear();
    const std::vector<policy::SweepPoint> points = m_sweep->run(policy::tauGrid(0.0, 1.0, 501));
    const policy::Cascade::Reference &ref = m_data->reference;
    const double fullAccuracy = model::accuracy(m_data->fullPredictions, m_data->testLabels);
    replaceCurveXAxis(m_logX->isChecked());
    m_xScale = 1.0;
    double maxX = m_xMetric->currentIndex() == 2   ? ref.latency_us
                  : m_xMetric->currentIndex() == 1 ? ref.deviceEnergy_pj
                                                   : ref.energy_pj;
    for (const policy::SweepPoint &p : points)
        maxX = std::max(maxX, xValue(p.metrics));
    if (m_xMetric->currentIndex() == 2) {
        m_xScale = maxX >= 1e3 ? 1e-3 : 1.0;
        m_xUnit = maxX >= 1e3 ? QStringLiteral("ms") : QStringLiteral("µs");
    } else {
        std::tie(m_xScale, m_xUnit) = Units::energyScale(maxX);
    }
    QList<QPointF> curve;
    double lo = fullAccuracy;
    double hi = fullAccuracy;
    for (const policy::SweepPoint &p : points) {
        curve << QPointF(xValue(p.metrics), p.metrics.accuracy * 100.0);
        lo = std::min(lo, p.metrics.accuracy);
        hi = std::max(hi, p.metrics.accuracy);
    }
    m_curve->replace(curve);
    policy::Metrics full;
    full.energy_pj = ref.energy_pj;
    full.deviceEnergy_pj = ref.deviceEnergy_pj;
    full.latency_us = ref.latency_us;
    m_fullPoint->replace(QList<QPointF>{QPointF(xValue(full), fullAccuracy * 100.0)});
    m_fullPoint->setName(tr("full model"));
    // Rules often pick (nearly) the same τ: their markers shrink from one rule to the
    // next, so that coinciding ones nest, and share one label naming them all.
    const QScatterSeries::MarkerShape shapes[]
        = {QScatterSeries::MarkerShapeTriangle, QScatterSeries::MarkerShapeRotatedRectangle,
           QScatterSeries::MarkerShapeStar};
    std::vector<QPointF> at;
    for (const auto &rule : m_rules) {
        const policy::Metrics m = m_sweep->at(std::clamp(rule.second, 0.0, 1.0));
        at.emplace_back(xValue(m), m.accuracy * 100.0);
    }
    // "Near": within 3 % of the plotted span on both axes (in decades on a log axis).
    const bool logX = m_logX->isChecked();
    const auto plotX = [logX](double x) {
        return logX ? std::log10(std::max(1e-30, x)) : x;
    };
    double minPlotX = INFINITY, maxPlotX = -INFINITY;
    for (const QPointF &p : curve) {
        minPlotX = std::min(minPlotX, plotX(p.x()));
        maxPlotX = std::max(maxPlotX, plotX(p.x()));
    }
    const double spanX = std::max(1e-30, maxPlotX - minPlotX);
    const double spanY = std::max(1e-9, (hi - lo) * 100.0);
    const auto near = [&](const QPointF &a, const QPointF &b) {
        return std::abs(plotX(a.x()) - plotX(b.x())) <= 0.03 * spanX
               && std::abs(a.y() - b.y()) <= 0.03 * spanY;
    };
    // Groups of rules at one point: each rule joins the group of the first earlier rule
    // near it; the group's first marker carries the label.
    std::vector<size_t> group(m_rules.size());
    for (size_t r = 0; r < m_rules.size(); ++r) {
        group[r] = r;
        for (size_t o = 0; o < r; ++o) {
            if (near(at[o], at[r])) {
                group[r] = group[o];
                break;
            }
        }
    }
    const QColor labelColor = palette().color(QPalette::WindowText);
    for (size_t r = 0; r < m_rules.size(); ++r) {
        auto *series = new QScatterSeries;
        series->setName(tr("rule %1").arg(QString::fromStdString(m_rules[r].first)));
        series->setMarkerShape(shapes[r % 3]);
        series->setMarkerSize(std::max(10.0, 19.0 - 4.0 * double(r)));
        series->setColor(Theme::seriesColor(int(r) == 0 ? 1 : int(r) == 1 ? 4 : 5));
        series->setBorderColor(labelColor);
        series->append(at[r]);
        if (group[r] == r) {
            QStringList names;
            for (size_t o = r; o < m_rules.size(); ++o) {
                if (group[o] == r)
                    names << QString::fromStdString(m_rules[o].first);
            }
            // Point label formats replace @xPoint and @yPoint; a rule name has neither.
            series->setPointLabelsFormat(names.join(QStringLiteral(" = ")));
            series->setPointLabelsVisible(true);
            series->setPointLabelsColor(labelColor);
            series->setPointLabelsClipping(false);
        }
        chart->addSeries(series);
        series->attachAxis(m_curveX);
        series->attachAxis(m_curveY);
        m_ruleSeries.push_back(series);
    }
    // The current τ's ring on top of everything.
    chart->removeSeries(m_marker);
    chart->addSeries(m_marker);
    m_marker->attachAxis(m_curveX);
    m_marker->attachAxis(m_curveY);
    const double pad = std::max(0.002, (hi - lo) * 0.08);
    m_curveY->setRange(std::max(0.0, lo - pad) * 100.0, std::min(1.0, hi + pad) * 100.0);
    m_curveY->applyNiceNumbers();
    if (auto *log = qobject_cast<QLogValueAxis *>(m_curveX)) {
        double minX = maxX * m_xScale;
        for (const QPointF &p : curve)
            minX = std::min(minX, p.x());
        log->setRange(std::max(1e-30, minX / 1.2), maxX * m_xScale * 1.2);
        log->setTitleText(xTitle() + tr(", log scale"));
    } else {
        auto *linear = static_cast<QValueAxis *>(m_curveX);
        linear->setRange(0.0, maxX * m_xScale * 1.05);
        linear->applyNiceNumbers();
        linear->setTitleText(xTitle());
    }
    chart->setTitle(tr("Accuracy against cost as τ%1 moves").arg(m_active + 1));
    m_curveView->applyPalette();
    chart->zoomReset();
}

QString ThresholdExplorer::curveCsv() const
{
    if (!m_sweep)
        return {};
    QStringList lines = {QStringLiteral("tau,accuracy,fidelity,escalated,offloaded,energy_pj,"
                                        "device_energy_pj,latency_us,energy_saving")};
    for (const policy::SweepPoint &p : m_sweep->run(policy::tauGrid(0.0, 1.0, kSliderSteps + 1))) {
        const policy::Metrics &m = p.metrics;
        QStringList row;
        for (double v : {p.tau, m.accuracy, m.fidelity, m.escalated, m.offloaded, m.energy_pj,
                         m.deviceEnergy_pj, m.latency_us, m.energySaving})
            row << QString::number(v, 'g', 10);
        lines << row.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void ThresholdExplorer::updateShown()
{
    QElapsedTimer clock;
    clock.start();
    const double tau = double(m_sliders[size_t(m_active)]->value()) / kSliderSteps;
    m_metrics = m_sweep->at(tau);
    const policy::Metrics &m = m_metrics;
    m_metricLabels.value(QStringLiteral("accuracy"))->setText(Units::percent(m.accuracy));
    m_metricLabels.value(QStringLiteral("fidelity"))->setText(Units::percent(m.fidelity));
    m_metricLabels.value(QStringLiteral("escalated"))->setText(Units::percent(m.escalated));
    m_metricLabels.value(QStringLiteral("offloaded"))->setText(Units::percent(m.offloaded));
    m_metricLabels.value(QStringLiteral("energy"))->setText(Units::energy(m.energy_pj));
    m_metricLabels.value(QStringLiteral("saving"))->setText(Units::percent(m.energySaving, 1));
    m_metricLabels.value(QStringLiteral("latency"))->setText(Units::time(m.latency_us));

    m_marker->replace(QList<QPointF>{QPointF(xValue(m), m.accuracy * 100.0)});

    m_histView->setTau(tau);
    m_lastUpdateUs = double(clock.nsecsElapsed()) / 1000.0;
}

} // namespace frontier::ui
