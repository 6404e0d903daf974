#include "resultsview.h"

#include "metricinfo.h"
#include "paretochart.h"
#include "resultsfilter.h"
#include "resultstablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFileDialog>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QTableView>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace frontier::ui {

namespace {

QComboBox *senseBox()
{
    auto *box = new QComboBox;
    box->addItem(QCoreApplication::translate("ResultsView", "minimise"), false);
    box->addItem(QCoreApplication::translate("ResultsView", "maximise"), true);
    return box;
}

struct FrontPreset
{
    const char *name;
    const char *x;
    bool logX;
};

// Fronts against accuracy (minimise x, maximise accuracy).
const FrontPreset kPresets[] = {
    {QT_TRANSLATE_NOOP("ResultsView", "energy vs accuracy"), "energy_pj", true},
    {QT_TRANSLATE_NOOP("ResultsView", "latency vs accuracy"), "latency_us", true},
    {QT_TRANSLATE_NOOP("ResultsView", "memory vs accuracy"), "memory_bytes", false},
    {QT_TRANSLATE_NOOP("ResultsView", "training energy vs accuracy"), "train_energy_pj", true},
    {QT_TRANSLATE_NOOP("ResultsView", "parameter memory vs accuracy"), "param_memory_bytes", false},
    {QT_TRANSLATE_NOOP("ResultsView", "harvested-power latency vs accuracy"),
     "intermittent_latency_s", false},
};

} // namespace

ResultsView::ResultsView(const QString &study, QWidget *parent)
    : QWidget(parent)
    , m_study(study)
{
    m_x = new QComboBox;
    m_x->setObjectName(QStringLiteral("paretoX"));
    m_y = new QComboBox;
    m_y->setObjectName(QStringLiteral("paretoY"));
    m_xSense = senseBox();
    m_ySense = senseBox();
    m_logX = new QCheckBox(tr("log"));
    m_logY = new QCheckBox(tr("log"));
    m_constraints = new QLineEdit;
    m_constraints->setObjectName(QStringLiteral("paretoConstraints"));
    m_constraints->setPlaceholderText(tr("e.g. accuracy>=0.9, latency_us<=50"));
    m_overlay = new QComboBox;
    m_overlay->setObjectName(QStringLiteral("overlayStudy"));
    m_overlay->setEnabled(false); // until setAvailableStudies() offers another study
    auto *overlay = new QPushButton(tr("Overlay"));
    overlay->setObjectName(QStringLiteral("overlayButton"));
    overlay->setEnabled(false);
    overlay->setToolTip(tr("Draw another study of the project in the same chart"));
    connect(overlay, &QPushButton::clicked, this, [this] {
        if (!m_overlay->currentText().isEmpty())
            Q_EMIT overlayRequested(m_overlay->currentText());
    });
    auto *reset = new QPushButton(tr("Reset zoom"));
    m_presets = new QComboBox;
    m_presets->setObjectName(QStringLiteral("frontPreset"));
    m_presets->setToolTip(tr("Set both axes to a front against accuracy"));
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            applyPreset(m_presets->itemData(index).toString());
    });
    // Energies of an accelerator and a microcontroller do not compare: one front per
    // device by default.
    m_groupBy = new QComboBox;
    m_groupBy->setObjectName(QStringLiteral("paretoGroupBy"));
    m_groupBy->addItem(tr("device"), QStringLiteral("device"));
    m_groupBy->addItem(tr("model"), QStringLiteral("model"));
    m_groupBy->addItem(tr("policy"), QStringLiteral("policy"));
    m_groupBy->addItem(tr("nothing (one front)"), QString());
    m_groupBy->setToolTip(tr("One front per value of this column, each in its own colour"));

    auto *controls = new QGridLayout;
    controls->addWidget(new QLabel(tr("x:")), 0, 0);
    controls->addWidget(m_x, 0, 1);
    controls->addWidget(m_xSense, 0, 2);
    controls->addWidget(m_logX, 0, 3);
    controls->addWidget(new QLabel(tr("y:")), 0, 4);
    controls->addWidget(m_y, 0, 5);
    controls->addWidget(m_ySense, 0, 6);
    controls->addWidget(m_logY, 0, 7);
    controls->addWidget(reset, 0, 8);
    controls->addWidget(m_presets, 0, 9);
    controls->addWidget(new QLabel(tr("Fronts per:")), 1, 8);
    controls->addWidget(m_groupBy, 1, 9);
    controls->addWidget(new QLabel(tr("Constraints:")), 1, 0);
    controls->addWidget(m_constraints, 1, 1, 1, 3);
    controls->addWidget(new QLabel(tr("Compare with:")), 1, 4);
    controls->addWidget(m_overlay, 1, 5, 1, 2);
    controls->addWidget(overlay, 1, 7);
    controls->setColumnStretch(1, 1);
    controls->setColumnStretch(5, 1);

    m_summary = new QLabel(tr("Loading %1...").arg(study));
    m_summary->setObjectName(QStringLiteral("paretoSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_chart = new ParetoChart;
    connect(reset, &QPushButton::clicked, m_chart, &ChartView::resetZoom);
    m_model = new ResultsTableModel(this);
    m_filter = new ResultsFilter(this);
    m_filter->setSourceModel(m_model);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("resultsTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_filterText = new QLineEdit;
    m_filterText->setObjectName(QStringLiteral("resultsFilter"));
    m_filterText->setPlaceholderText(tr("Filter configurations (words or a regular expression)"));
    m_filterText->setClearButtonEnabled(true);
    m_frontOnly = new QCheckBox(tr("Front only"));
    auto *exportButton = new QPushButton(tr("Export table..."));
    auto *timelineButton = new QPushButton(tr("Intermittent timeline..."));
    timelineButton->setObjectName(QStringLiteral("intermittentTimeline"));
    timelineButton->setToolTip(tr("Capacitor voltage, progress and per-layer tasks of the "
                                  "selected intermittent trial"));
    auto *tableBar = new QHBoxLayout;
    tableBar->addWidget(m_filterText, 1);
    tableBar->addWidget(m_frontOnly);
    tableBar->addWidget(timelineButton);
    tableBar->addWidget(exportButton);
    connect(timelineButton, &QPushButton::clicked, this, [this] {
        const auto [set, row] = selectedTrial();
        if (set < 0 || row < 0 || size_t(set) >= m_sets.size())
            return;
        const study::TrialConfig &t = m_sets[size_t(set)]->results.config(row);
        if (t.harvested)
            Q_EMIT intermittentTimelineRequested(t);
        else
            setError(tr("The selected trial does not run on harvested power."));
    });
    auto *tableBox = new QWidget;
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(tableBar);
    tableLayout->addWidget(m_table, 1);

    auto *split = new QSplitter(Qt::Vertical);
    // The chart is what the view is for: never squeezed below a readable height.
    m_chart->setMinimumHeight(240);
    split->addWidget(m_chart);
    split->addWidget(tableBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({420, 260});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    for (QComboBox *box : {m_x, m_y, m_xSense, m_ySense, m_groupBy})
        connect(box, &QComboBox::currentIndexChanged, this, &ResultsView::recompute);
    for (QCheckBox *box : {m_logX, m_logY})
        connect(box, &QCheckBox::toggled, this, &ResultsView::recompute);
    connect(m_x, &QComboBox::currentIndexChanged, this, [this] {
        m_xSense->setCurrentIndex(MetricInfo::of(m_x->currentText().toStdString()).maximize);
    });
    connect(m_y, &QComboBox::currentIndexChanged, this, [this] {
        m_ySense->setCurrentIndex(MetricInfo::of(m_y->currentText().toStdString()).maximize);
    });
    connect(m_constraints, &QLineEdit::editingFinished, this, &ResultsView::recompute);
    connect(m_filterText, &QLineEdit::textChanged, m_filter, &ResultsFilter::setText);
    connect(m_frontOnly, &QCheckBox::toggled, m_filter, &ResultsFilter::setFrontOnly);
    connect(exportButton, &QPushButton::clicked, this, &ResultsView::exportTable);
    connect(m_chart, &ParetoChart::pointClicked, this, &ResultsView::selectTrial);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultsView::onTableSelection);
}

ResultsView::~ResultsView() = default;

void ResultsView::setError(const QString &message)
{
    m_summary->setText(
        QStringLiteral("<span style='color:#d55e00'>%1</span>").arg(message.toHtmlEscaped()));
}

void ResultsView::setAvailableStudies(const QStringList &names)
{
    m_overlay->clear();
    for (const QString &name : names) {
        if (name != m_study)
            m_overlay->addItem(name);
    }
    // Nothing to compare with: say so rather than offer an empty choice.
    const bool any = m_overlay->count() > 0;
    m_overlay->setEnabled(any);
    m_overlay->setPlaceholderText(any ? QString() : tr("no other study"));
    if (auto *button = findChild<QPushButton *>(QStringLiteral("overlayButton")))
        button->setEnabled(any);
}

void ResultsView::addSet(std::shared_ptr<const ResultSet> set)
{
    for (auto it = m_sets.begin(); it != m_sets.end(); ++it) {
        if ((*it)->name == set->name) { // reloaded: replace
            *it = std::move(set);
            set = nullptr;
            break;
        }
    }
    const bool first = m_sets.empty();
    if (set)
        m_sets.push_back(std::move(set));
    m_model->setSets(m_sets);
    if (first) {
        const std::vector<study::Objective> &o = m_sets.front()->objectives;
        QStringList constraints;
        for (const std::string &c : m_sets.front()->constraints)
            constraints << QString::fromStdString(c);
        m_constraints->setText(constraints.join(QStringLiteral(", ")));
        refillAxes();
        // Energies often span decades: start such an axis on a log scale.
        const auto spansDecades = [this](const QString &metric) {
            const study::StudyResults &r = m_sets.front()->results;
            const int c = r.column(metric.toStdString());
            double lo = INFINITY, hi = 0;
            for (int row = 0; c >= 0 && row < r.rows(); ++row) {
                const double v = r.table().at(row, c);
                if (!(v > 0))
                    return false;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            return hi > 100 * lo;
        };
        const QString x = QString::fromStdString(o.size() >= 2 ? o[0].name : "energy_pj");
        const QString y = QString::fromStdString(o.size() >= 2 ? o[1].name : "accuracy");
        m_syncing = true;
        m_logX->setChecked(spansDecades(x));
        m_logY->setChecked(spansDecades(y));
        m_syncing = false;
        setAxes(x, y);
    } else {
        refillAxes();
        recompute();
    }
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(2, std::min(m_table->columnWidth(2), 360));
}

void ResultsView::refillAxes()
{
    const QString x = m_x->currentText();
    const QString y = m_y->currentText();
    m_syncing = true;
    for (QComboBox *box : {m_x, m_y}) {
        box->clear();
        for (const std::string &m : m_model->metrics())
            box->addItem(QString::fromStdString(m));
    }
    m_x->setCurrentText(x);
    m_y->setCurrentText(y);
    m_presets->clear();
    m_presets->addItem(tr("Preset fronts..."));
    for (const QString &p : presets())
        m_presets->addItem(tr(p.toUtf8().constData()), p);
    m_syncing = false;
}

QStringList ResultsView::presets() const
{
    QStringList out;
    const std::vector<std::string> metrics = m_model->metrics();
    const auto has = [&](const char *m) {
        return std::find(metrics.begin(), metrics.end(), std::string(m)) != metrics.end();
    };
    if (!has("accuracy"))
        return out;
    for (const FrontPreset &p : kPresets)
        if (has(p.x))
            out << QString::fromLatin1(p.name);
    return out;
}

bool ResultsView::applyPreset(const QString &name)
{
    if (!presets().contains(name))
        return false;
    for (const FrontPreset &p : kPresets) {
        if (name != QLatin1String(p.name))
            continue;
        m_syncing = true;
        m_logX->setChecked(p.logX);
        m_logY->setChecked(false);
        m_syncing = false;
        setAxes(QString::fromLatin1(p.x), QStringLiteral("accuracy"));
        m_presets->setCurrentIndex(0);
        return true;
    }
    return false;
}

void ResultsView::setAxes(const QString &x, const QString &y)
{
    m_syncing = true;
    m_x->setCurrentText(x);
    m_y->setCurrentText(y);
    m_xSense->setCurrentIndex(MetricInfo::of(x.toStdString()).maximize);
    m_ySense->setCurrentIndex(MetricInfo::of(y.toStdString()).maximize);
    if (!m_sets.empty()) {
        for (const study::Objective &o : m_sets.front()->objectives) {
            const int sense = o.sense == study::Sense::Maximize;
            if (o.name == x.toStdString())
                m_xSense->setCurrentIndex(sense);
            if (o.name == y.toStdString())
                m_ySense->setCurrentIndex(sense);
        }
    }
    m_syncing = false;
    recompute();
}

void ResultsView::setLogAxes(bool x, bool y)
{
    m_syncing = true;
    m_logX->setChecked(x);
    m_logY->setChecked(y);
    m_syncing = false;
    recompute();
}

void ResultsView::setConstraints(const QString &text)
{
    m_constraints->setText(text);
    recompute();
}

void ResultsView::setGroupBy(const QString &column)
{
    const int index = m_groupBy->findData(column);
    if (index >= 0)
        m_groupBy->setCurrentIndex(index);
    recompute();
}

void ResultsView::recompute()
{
    if (m_syncing || m_sets.empty() || m_x->currentText().isEmpty() || m_y->currentText().isEmpty())
        return;
    const std::string x = m_x->currentText().toStdString();
    const std::string y = m_y->currentText().toStdString();
    const std::vector<study::Objective> objectives
        = {{x, m_xSense->currentData().toBool() ? study::Sense::Maximize : study::Sense::Minimize},
           {y, m_ySense->currentData().toBool() ? study::Sense::Maximize : study::Sense::Minimize}};
    std::vector<std::string> constraints;
    const QString text = m_constraints->text().trimmed();
    if (!text.isEmpty())
        constraints.push_back(text.toStdString());
    m_fronts.assign(m_sets.size(), {});
    QStringList lines;
    std::vector<ParetoChart::Layer> layers;
    const std::string groupBy = m_groupBy->currentData().toString().toStdString();
    for (size_t s = 0; s < m_sets.size(); ++s) {
        const ResultSet &set = *m_sets[s];
        std::vector<int> feasible;
        std::vector<study::FrontResult> fronts;
        // Rows per group, in order of first appearance (one group of all rows: "").
        std::vector<std::pair<std::string, std::vector<int>>> groups;
        study::FrontScope scope;
        scope.constraints = constraints;
        try {
            feasible = set.results.feasibleRows(constraints);
            for (int r = 0; r < set.results.rows(); ++r) {
                const std::string g
                    = groupBy.empty() ? std::string() : set.results.groupValue(r, groupBy);
                auto it = std::find_if(groups.begin(), groups.end(),
                                       [&](const auto &e) { return e.first == g; });
                if (it == groups.end()) {
                    groups.push_back({g, {}});
                    it = groups.end() - 1;
                }
                it->second.push_back(r);
            }
            fronts = study::computeGroupedFronts(set.results, objectives, scope, groupBy);
        } catch (const std::exception &e) {
            lines << QStringLiteral("<span style='color:#d55e00'>%1: %2</span>")
                         .arg(set.name.toHtmlEscaped(),
                              QString::fromUtf8(e.what()).toHtmlEscaped());
            fronts.clear();
            groups.clear();
        }
        std::vector<int> onFront;
        for (size_t g = 0; g < fronts.size() && g < groups.size(); ++g) {
            const study::FrontResult &f = fronts[g];
            onFront.insert(onFront.end(), f.rows.begin(), f.rows.end());
            ParetoChart::Layer layer;
            layer.name = groupBy.empty()
                             ? set.name
                             : set.name + QStringLiteral(" · ") + QString::fromStdString(f.group);
            layer.results = &set.results;
            layer.set = int(s);
            layer.front = f;
            layer.members = groups[g].second;
            std::set_intersection(feasible.begin(), feasible.end(), layer.members.begin(),
                                  layer.members.end(), std::back_inserter(layer.feasible));
            study::FrontScope within = scope;
            within.rows = &layer.members;
            layer.bound = study::computeBoundFront(set.results, objectives, within);
            const QString knee = f.knee >= 0
                                     ? QString::fromStdString(set.results.config(f.knee).label())
                                     : tr("none");
            const QString color = ParetoChart::layerColor(int(layers.size())).name();
            lines << tr("<b style='color:%1'>%2</b>: %3 trials (%4 feasible, bounds excluded) · "
                        "front %5 · hypervolume %6 of the box from the best values to the "
                        "reference (%7 %8, %9 %10) · knee: %11%12")
                         .arg(color, layer.name.toHtmlEscaped())
                         .arg(layer.members.size())
                         .arg(f.candidates)
                         .arg(f.rows.size())
                         .arg(std::isnan(f.normalisedHypervolume)
                                  ? QStringLiteral("–")
                                  : QString::number(f.normalisedHypervolume, 'f', 3))
                         .arg(MetricInfo::of(x, f.reference[0]).title,
                              MetricInfo::of(x, f.reference[0]).format(f.reference[0]),
                              MetricInfo::of(y, f.reference[1]).title,
                              MetricInfo::of(y, f.reference[1]).format(f.reference[1]),
                              knee.toHtmlEscaped(),
                              layer.bound.rows.empty() ? QString()
                                                       : tr(" · oracle bound dashed (%1 trials)")
                                                             .arg(layer.bound.rows.size()));
            layers.push_back(std::move(layer));
        }
        std::sort(onFront.begin(), onFront.end());
        m_model->setFront(int(s), onFront);
        if (!fronts.empty())
            m_fronts[s] = fronts.front();
    }
    m_chart->setAxes(x, y, m_logX->isChecked(), m_logY->isChecked());
    m_chart->setLayers(std::move(layers));
    if (m_chart->skippedCount() > 0)
        lines << tr("%n trial(s) not drawn (no value, or not positive on a log axis)", nullptr,
                    m_chart->skippedCount());
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    const auto [set, row] = selectedTrial();
    m_chart->setSelected(set, row);
}

QString ResultsView::summary() const
{
    return m_summary->text();
}

void ResultsView::selectTrial(int set, int row)
{
    const int modelRow = m_model->modelRow(set, row);
    if (modelRow < 0)
        return;
    QModelIndex index = m_filter->mapFromSource(m_model->index(modelRow, 0));
    if (!index.isValid()) { // filtered out: show everything again
        m_filterText->clear();
        m_frontOnly->setChecked(false);
        index = m_filter->mapFromSource(m_model->index(modelRow, 0));
    }
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect
                                                 | QItemSelectionModel::Rows);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
    m_chart->setSelected(set, row);
}

std::pair<int, int> ResultsView::selectedTrial() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {-1, -1};
    return m_model->source(m_filter->mapToSource(rows.first()).row());
}

void ResultsView::onTableSelection()
{
    const auto [set, row] = selectedTrial();
    m_chart->setSelected(set, row);
}

void ResultsView::exportTable()
{
    QSettings settings;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export Results"),
        settings.value(QStringLiteral("export/lastDir")).toString() + QLatin1Char('/') + m_study
            + QStringLiteral("-trials.csv"),
        tr("CSV data (*.csv)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)
        || file.write(m_model->csv().toUtf8()) < 0 || !file.commit())
        QMessageBox::warning(this, tr("Export failed"),
                             QStringLiteral("%1: %2").arg(path, file.errorString()));
}

} // namespace frontier::ui
