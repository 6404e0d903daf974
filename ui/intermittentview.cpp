#include "intermittentview.h"

#include "jobsdock.h"
#include "modelref.h"

#include "common/error.h"
#include "store/project.h"
#include "study/intermittentknobs.h"
#include "study/trialconfig.h"

#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPointer>
#include <QScatterSeries>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <memory>

namespace frontier::ui {

using namespace frontier::intermittent;

IntermittentTimelineChart::IntermittentTimelineChart(QWidget *parent)
    : ChartView(new QChart, parent)
{
    setExportName(QStringLiteral("intermittent-timeline"));
    chart()->legend()->setAlignment(Qt::AlignBottom);
}

void IntermittentTimelineChart::setSim(const SimResult &sim, const Capacitor &capacitor,
                                       const QString &title)
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *a : c->axes())
        c->removeAxis(a);
    c->setTitle(title);

    auto *voltage = new QLineSeries;
    voltage->setName(tr("capacitor voltage (V)"));
    auto *progress = new QLineSeries;
    progress->setName(tr("tasks committed (%)"));
    auto *failures = new QScatterSeries;
    failures->setName(tr("power failure"));
    failures->setMarkerSize(7);
    failures->setColor(QColor(200, 40, 40));
    const double tasks = std::max<double>(1, double(sim.tasks));
    m_failures = 0;
    m_points = 0;
    for (const TimelinePoint &p : sim.timeline) {
        voltage->append(p.t_s, p.v_V);
        progress->append(p.t_s, 100.0 * double(p.tasksDone) / tasks);
        ++m_points;
        if (p.event == TimelinePoint::Event::Failure) {
            failures->append(p.t_s, p.v_V);
            ++m_failures;
        }
    }
    c->addSeries(voltage);
    c->addSeries(failures);
    c->addSeries(progress);

    auto *x = new QValueAxis;
    x->setTitleText(tr("time (s)"));
    x->setRange(0, std::max(1e-6, sim.latency_s));
    auto *v = new QValueAxis;
    v->setTitleText(tr("voltage (V)"));
    const double vMax = std::max(capacitor.vMax_V, capacitor.vOn_V);
    const double span = vMax - capacitor.vOff_V;
    v->setRange(capacitor.vOff_V - 0.1 * span, vMax + 0.05 * span);
    auto *pct = new QValueAxis;
    pct->setTitleText(tr("progress (%)"));
    pct->setRange(0, 100);
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(v, Qt::AlignLeft);
    c->addAxis(pct, Qt::AlignRight);
    for (QAbstractSeries *s :
         {static_cast<QAbstractSeries *>(voltage), static_cast<QAbstractSeries *>(failures)}) {
        s->attachAxis(x);
        s->attachAxis(v);
    }
    progress->attachAxis(x);
    progress->attachAxis(pct);
    applyPalette();
}

IntermittentView::IntermittentView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Configuration:"), this));
    m_config = new QComboBox(this);
    top->addWidget(m_config);
    top->addStretch();
    layout->addLayout(top);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    auto *split = new QSplitter(Qt::Vertical, this);
    m_chart = new IntermittentTimelineChart(split);
    m_table = new QTableWidget(split);
    m_table->setColumnCount(8);
    m_table->setHorizontalHeaderLabels({tr("layer"), tr("tiling"), tr("SRAM B"), tr("tasks"),
                                        tr("failures"), tr("largest task mJ"), tr("energy mJ"),
                                        tr("re-execution mJ")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    split->addWidget(m_chart);
    split->addWidget(m_table);
    layout->addWidget(split, 1);
    connect(m_config, &QComboBox::currentIndexChanged, this, &IntermittentView::showIndex);
}

void IntermittentView::setReport(InferenceReport report)
{
    m_report = std::move(report);
    const QSignalBlocker block(m_config);
    m_config->clear();
    for (const ConfigurationResult &c : m_report.configurations)
        m_config->addItem(QString::fromStdString(c.configuration.name));
    const ConfigurationResult *best = m_report.best();
    const int index = best ? int(best - m_report.configurations.data()) : 0;
    m_config->setCurrentIndex(index);
    showIndex(index);
}

bool IntermittentView::showConfiguration(const QString &name)
{
    const int i = m_config->findText(name);
    if (i < 0)
        return false;
    m_config->setCurrentIndex(i);
    showIndex(i);
    return true;
}

QString IntermittentView::configuration() const
{
    return m_config->currentText();
}

QString IntermittentView::summary() const
{
    return m_summary->text();
}

void IntermittentView::showIndex(int index)
{
    m_table->setRowCount(0);
    if (index < 0 || index >= int(m_report.configurations.size())) {
        m_summary->clear();
        return;
    }
    const ConfigurationResult &c = m_report.configurations[size_t(index)];
    const SimResult &s = c.sim;
    auto mj = [](double j) {
        return QString::number(j * 1e3, 'f', 3);
    };
    QString text = tr("%1 on %2, %3 mF, %4 (%5): ")
                       .arg(QString::fromStdString(m_report.model),
                            QString::fromStdString(m_report.platform))
                       .arg(m_report.capacitor.capacitance_F * 1e3, 0, 'g', 4)
                       .arg(QString::fromStdString(m_report.harvester.description),
                            QString::fromLatin1(dataFormatName(c.configuration.format)));
    if (s.terminates)
        text += tr("finishes in %1 s (active %2 s, recharge %3 s), %4 power cycles")
                    .arg(s.latency_s, 0, 'f', 3)
                    .arg(s.active_s, 0, 'f', 3)
                    .arg(s.recharge_s, 0, 'f', 3)
                    .arg(s.powerCycles);
    else
        text += tr("never finishes: %1").arg(QString::fromStdString(s.reason));
    text
        += tr("; energy mJ: compute %1, data movement %2, preservation %3, re-execution %4, "
              "reboot %5")
               .arg(mj(s.energy.compute_J), mj(s.energy.dataMovement_J),
                    mj(s.energy.preservation_J), mj(s.energy.reexecution_J), mj(s.energy.reboot_J));
    m_summary->setText(text);
    m_chart->setSim(
        s, m_report.capacitor,
        tr("%1: voltage and progress").arg(QString::fromStdString(c.configuration.name)));

    // A cascade's shorter paths run a prefix of the report's layers.
    const size_t rows = std::min({m_report.layers.size(), c.configuration.tilings.size(),
                                  s.layers.size(), c.sramBytes.size()});
    m_table->setRowCount(int(rows));
    for (int i = 0; i < int(rows); ++i) {
        const LayerOutcome &l = s.layers[size_t(i)];
        const QStringList cells{QString::fromStdString(m_report.layers[size_t(i)].name),
                                QString::fromStdString(c.configuration.tilings[size_t(i)].label()),
                                QString::number(c.sramBytes[size_t(i)]),
                                QString::number(l.tasks),
                                QString::number(l.failures),
                                mj(c.maxTaskEnergy_J[size_t(i)]),
                                mj(l.energy_J),
                                mj(l.reexecution_J)};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (col >= 2)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, col, item);
        }
    }
    m_table->resizeColumnsToContents();
}

void IntermittentView::setError(const QString &message)
{
    m_summary->setText(
        QStringLiteral("<span style='color:#d55e00'>%1</span>").arg(message.toHtmlEscaped()));
}

IntermittentView *IntermittentView::forTrial(JobsDock *jobs, const std::string &projectPath,
                                             const study::TrialConfig &trial)
{
    auto *view = new IntermittentView;
    view->m_summary->setText(tr("Simulating %1 ...").arg(QString::fromStdString(trial.label())));
    auto report = std::make_shared<InferenceReport>();
    const std::string model = trial.tiers.front().model;
    Job *job = jobs->start(
        tr("Intermittent timeline of %1").arg(QString::fromStdString(model)), [=](JobContext &) {
            int64_t id = 0;
            {
                store::Project project(projectPath, store::Project::Access::ReadOnly);
                for (const store::ModelRecord &m : project.models())
                    if (m.name.rfind(model + "@", 0) == 0 && m.id > id)
                        id = m.id;
            }
            if (id == 0)
                throw Error(projectPath, "no stored model '" + model + "'");
            *report = simulateTrial(ModelRef::inProject(projectPath, id), trial);
        });
    QPointer<IntermittentView> guard(view);
    connect(job, &Job::finished, view, [guard, job, report] {
        if (!guard)
            return;
        if (job->state() == Job::State::Succeeded)
            guard->setReport(std::move(*report));
        else
            guard->setError(job->errorMessage());
    });
    return view;
}

InferenceReport IntermittentView::simulate(const std::string &modelRef, const std::string &format,
                                           const std::string &device, const QJsonObject &knobs)
{
    const model::Model m = ModelRef::load(modelRef);
    InferenceRequest r = makeRequest(m, m.name.empty() ? modelRef : m.name, device, {format});
    const study::IntermittentKnobs k = study::IntermittentKnobs::fromJson(knobs);
    study::applyIntermittentKnobs(k, r.capacitor, r.harvester, nullptr, "harvester");
    r.search = true; // the three configurations side by side
    r.simOptions.start_s = k.traceStart_s;
    r.simOptions.timeline = true;
    return runInference(r);
}

InferenceReport IntermittentView::simulateTrial(const std::string &modelRef,
                                                const study::TrialConfig &trial)
{
    if (trial.kind == policy::PolicyKind::Intermittent)
        return simulate(modelRef, trial.tiers.front().format, trial.device,
                        trial.intermittent.toJson());
    if (!trial.harvested)
        throw Error("trial " + trial.label(), "does not run on harvested power");
    const model::Model m = ModelRef::load(modelRef);
    const std::string where = m.name.empty() ? modelRef : m.name;
    CascadeRequest r;
    r.where = where;
    r.platform = Platform::load(trial.device);
    r.capacitor = r.platform.capacitor;
    r.harvester = r.platform.harvester;
    study::applyIntermittentKnobs(trial.intermittent, r.capacitor, r.harvester, nullptr,
                                  "harvester");
    r.search = trial.intermittent.search;
    r.simOptions.start_s = trial.intermittent.traceStart_s;
    r.simOptions.timeline = true;
    std::vector<std::string> names;
    r.stages = study::cascadeStages(trial, executionStages(m, where), where, &names);
    checkFitsSram(r.stages.back().layers, r.platform, where);
    return cascadeReport(r, m.name, names); // best(): the longest path, shown first
}

} // namespace frontier::ui
