#include "trainingcurves.h"

#include "chartview.h"
#include "job.h"

#include <QChart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace frontier::ui {

namespace {

ChartView *lineChart(const QString &title, const QString &xTitle, const QString &yTitle,
                     const QList<QLineSeries *> &series, const QString &exportName,
                     double yMin = std::numeric_limits<double>::quiet_NaN(),
                     double yMax = std::numeric_limits<double>::quiet_NaN(), double xMin = 0)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setVisible(series.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto *x = new QValueAxis;
    x->setTitleText(xTitle);
    x->setLabelFormat(QStringLiteral("%g"));
    auto *y = new QValueAxis;
    y->setTitleText(yTitle);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    double lo = 1e300, hi = -1e300, xHi = 1;
    for (QLineSeries *s : series) {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        for (const QPointF &p : s->points()) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
            xHi = std::max(xHi, p.x());
        }
    }
    x->setRange(xMin, std::max(xHi, xMin + 1));
    if (xMin == 1 && xHi <= 11) { // epochs: one tick per epoch
        x->setTickCount(int(xHi));
        x->setLabelFormat(QStringLiteral("%d"));
    }
    if (!std::isnan(yMin) && !std::isnan(yMax)) {
        y->setRange(yMin, yMax);
        y->setTickCount(int(yMax - yMin) / 2 + 1); // bits: every second one
        y->setLabelFormat(QStringLiteral("%d"));
    } else if (lo <= hi) {
        const double pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
        y->setRange(lo >= 0 ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
    }
    auto *view = new ChartView(chart);
    view->setExportName(exportName);
    view->applyPalette();
    return view;
}

} // namespace

QJsonObject TrainingCurves::fromMetadata(const std::string &text)
{
    if (text.empty())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

TrainingCurves::TrainingCurves(const QJsonObject &r, QWidget *parent)
    : QWidget(parent)
{
    const QLocale locale;
    QStringList energy;
    const QJsonObject total = r.value(QStringLiteral("train_energy_pj")).toObject();
    const QJsonObject gemm = r.value(QStringLiteral("train_gemm_energy_pj")).toObject();
    for (auto it = total.begin(); it != total.end(); ++it) {
        energy << tr("%1: %2 mJ (GEMM %3 mJ)")
                      .arg(it.key(), locale.toString(it.value().toDouble() * 1e-9, 'g', 4),
                           locale.toString(gemm.value(it.key()).toDouble() * 1e-9, 'g', 4));
    }
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("trainingSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const int planned = r.value(QStringLiteral("epochs_planned")).toInt(0);
    const QJsonArray done = r.value(QStringLiteral("epochs")).toArray();
    if (planned > 0) {
        // A run in progress: where it is, and its latest figures.
        const QJsonObject last = done.isEmpty() ? QJsonObject() : done.last().toObject();
        QString text = tr("Training with %1: epoch %2 of %3")
                           .arg(r.value(QStringLiteral("method")).toString())
                           .arg(done.size())
                           .arg(planned);
        if (!done.isEmpty()) {
            text += tr(", loss %1").arg(last.value(QStringLiteral("loss")).toDouble(), 0, 'f', 4);
            const double va = last.value(QStringLiteral("validation_accuracy")).toDouble(-1);
            if (va >= 0)
                text += tr(", validation accuracy %1 %").arg(locale.toString(100 * va, 'f', 2));
        }
        m_summary->setText(text);
    } else {
        m_summary->setText(
            tr("Trained with %1 as %2: test accuracy %3 %; training energy %4; parameter memory %5 "
               "bytes")
                .arg(r.value(QStringLiteral("method")).toString(),
                     r.value(QStringLiteral("format")).toString(),
                     locale.toString(100 * r.value(QStringLiteral("test_accuracy")).toDouble(), 'f',
                                     2),
                     energy.join(QStringLiteral("; ")),
                     locale.toString(
                         qlonglong(r.value(QStringLiteral("param_memory_bytes")).toDouble()))));
    }

    // Loss: one point per `loss_every` steps, at the last step of its window.
    const int every = std::max(1, r.value(QStringLiteral("loss_every")).toInt(10));
    auto *loss = new QLineSeries;
    loss->setName(tr("training loss"));
    const QJsonArray losses = r.value(QStringLiteral("loss_curve")).toArray();
    for (int i = 0; i < losses.size(); ++i)
        loss->append(double((i + 1) * every), losses[i].toDouble());
    m_loss = lineChart(tr("Training loss"), tr("optimizer step"), tr("loss"), {loss},
                       QStringLiteral("training-loss"));
    m_loss->setObjectName(QStringLiteral("trainingLossChart"));

    auto *validation = new QLineSeries;
    validation->setName(tr("validation accuracy"));
    auto *trainAcc = new QLineSeries;
    trainAcc->setName(tr("training accuracy"));
    for (const QJsonValue &v : r.value(QStringLiteral("epochs")).toArray()) {
        const QJsonObject e = v.toObject();
        const double epoch = e.value(QStringLiteral("epoch")).toDouble();
        trainAcc->append(epoch, 100 * e.value(QStringLiteral("train_accuracy")).toDouble());
        const double va = e.value(QStringLiteral("validation_accuracy")).toDouble(-1);
        if (va >= 0)
            validation->append(epoch, 100 * va);
    }
    m_accuracy = lineChart(tr("Accuracy per epoch"), tr("epoch"), tr("accuracy (%)"),
                           {trainAcc, validation}, QStringLiteral("training-accuracy"),
                           std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::quiet_NaN(), 1);
    m_accuracy->setObjectName(QStringLiteral("trainingAccuracyChart"));

    m_tabs = new QTabWidget;
    m_tabs->addTab(m_loss, tr("Loss"));
    m_tabs->addTab(m_accuracy, tr("Accuracy"));

    const QJsonArray history = r.value(QStringLiteral("bit_history")).toArray();
    if (r.value(QStringLiteral("method")).toString() == QLatin1String("rct")
        && !history.isEmpty()) {
        // Layer names in model order: the per-layer accounting of the total lists them so.
        QStringList layers;
        for (const QJsonValue &l : r[QStringLiteral("total")][QStringLiteral("layers")].toArray())
            layers << l[QStringLiteral("layer")].toString();
        QList<QLineSeries *> series;
        for (int l = 0; l < layers.size(); ++l) {
            auto *s = new QLineSeries;
            s->setName(layers[l]);
            int previous = -1;
            for (const QJsonValue &h : history) {
                const double step = h[QStringLiteral("step")].toDouble();
                const int bits = h[QStringLiteral("bits")][l].toInt();
                if (previous >= 0 && bits != previous)
                    s->append(step, previous); // a step, not a ramp
                s->append(step, bits);
                previous = bits;
            }
            series << s;
        }
        m_bits = lineChart(tr("Bitwidth per layer"), tr("optimizer step"), tr("bits"), series,
                           QStringLiteral("rct-bitwidths"), 0, 16);
        m_bits->setObjectName(QStringLiteral("trainingBitsChart"));
        m_tabs->addTab(m_bits, tr("Bitwidths"));
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
}

QString TrainingCurves::summary() const
{
    return m_summary->text();
}

LiveTraining::LiveTraining(const QString &method, int epochsPlanned, int stepsPerEpoch)
    : m_stepsPerEpoch(std::max(1, stepsPerEpoch))
{
    m_result[QStringLiteral("method")] = method;
    m_result[QStringLiteral("epochs_planned")] = std::max(1, epochsPlanned);
    m_result[QStringLiteral("loss_every")] = m_stepsPerEpoch;
}

void LiveTraining::setStepsPerEpoch(int steps)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stepsPerEpoch = std::max(1, steps);
    m_result[QStringLiteral("loss_every")] = m_stepsPerEpoch;
}

void LiveTraining::addEpoch(int epoch, double loss, double trainAccuracy, double validationAccuracy,
                            const std::vector<int> &bits, const std::vector<std::string> &layers)
{
    QJsonObject e;
    e[QStringLiteral("epoch")] = epoch;
    e[QStringLiteral("loss")] = loss;
    e[QStringLiteral("train_accuracy")] = trainAccuracy;
    e[QStringLiteral("validation_accuracy")] = validationAccuracy;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_epochs.append(e);
    m_losses.append(loss);
    if (!bits.empty()) {
        QJsonObject h;
        h[QStringLiteral("step")] = double(epoch) * m_stepsPerEpoch;
        QJsonArray b;
        for (int v : bits)
            b.append(v);
        h[QStringLiteral("bits")] = b;
        m_history.append(h);
        QJsonArray names;
        for (const std::string &n : layers) {
            QJsonObject l;
            l[QStringLiteral("layer")] = QString::fromStdString(n);
            names.append(l);
        }
        QJsonObject total;
        total[QStringLiteral("layers")] = names;
        m_result[QStringLiteral("total")] = total;
    }
}

QJsonObject LiveTraining::snapshot(int *epochs) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    QJsonObject r = m_result;
    r[QStringLiteral("epochs")] = m_epochs;
    r[QStringLiteral("loss_curve")] = m_losses;
    r[QStringLiteral("bit_history")] = m_history;
    if (epochs)
        *epochs = int(m_epochs.size());
    return r;
}

LiveTrainingView::LiveTrainingView(Job *job, std::shared_ptr<LiveTraining> live, QWidget *parent)
    : QWidget(parent)
    , m_live(std::move(live))
{
    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("liveTrainingState"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_state);
    refresh();
    connect(job, &Job::progressChanged, this, &LiveTrainingView::refresh);
    connect(job, &Job::finished, this, [this, job] {
        refresh();
        m_state->setText(job->state() == Job::State::Succeeded
                             ? tr("Finished: the trained model's view holds its full accounting.")
                             : tr("%1: %2").arg(Job::stateName(job->state()), job->errorMessage()));
    });
}

void LiveTrainingView::refresh()
{
    int epochs = 0;
    const QJsonObject r = m_live->snapshot(&epochs);
    if (epochs == m_shown)
        return;
    m_shown = epochs;
    auto *curves = new TrainingCurves(r);
    if (m_curves) {
        layout()->replaceWidget(m_curves, curves);
        delete m_curves;
    } else {
        layout()->addWidget(curves);
    }
    m_curves = curves;
}

} // namespace frontier::ui
