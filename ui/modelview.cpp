#include "modelview.h"

#include "chartview.h"
#include "layercostmodel.h"
#include "preferences.h"
#include "theme.h"
#include "trainingcurves.h"

#include "common/error.h"
#include "cost/presetlibrary.h"
#include "numeric/formatspec.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QLogValueAxis>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QValueAxis>

#include <cmath>

namespace frontier::ui {

namespace {

// A unit that keeps the largest value between 1 and 1000.
std::pair<double, QString> energyUnit(double maxPj)
{
    if (maxPj >= 1e9)
        return {1e-9, QStringLiteral("mJ")};
    if (maxPj >= 1e6)
        return {1e-6, QStringLiteral("µJ")};
    if (maxPj >= 1e3)
        return {1e-3, QStringLiteral("nJ")};
    return {1.0, QStringLiteral("pJ")};
}

QString energyText(double pj)
{
    const auto [scale, unit] = energyUnit(pj);
    return QStringLiteral("%1 %2").arg(QLocale().toString(pj * scale, 'g', 4), unit);
}

} // namespace

ModelView::ModelView(model::Model model, const QString &path, QWidget *parent)
    : QWidget(parent)
    , m_model(std::move(model))
    , m_path(path)
{
    std::vector<model::LayerRow> rows = model::layerTable(m_model);
    const model::LayerRow total = model::layerTotals(rows);

    m_summary = new QLabel;
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QStringList heads;
    for (const model::Head &h : m_model.heads)
        heads << QString::fromStdString(h.name);
    const auto meta = [&](const char *key) {
        const auto it = m_model.metadata.find(key);
        return it == m_model.metadata.end() ? QStringLiteral("–")
                                            : QString::fromStdString(it->second);
    };
    const QString where
        = path.contains(QLatin1String("#model="))
              ? tr("stored in %1").arg(QFileInfo(path.section(QLatin1Char('#'), 0, 0)).fileName())
              : path;
    QStringList shape;
    for (auto d : m_model.inputShape)
        shape << QString::number(d);
    m_summary->setText(tr("<b>%1</b> &nbsp; <span style='color:gray'>%2</span><br>"
                          "input %3 · %4 classes · heads: %5 · trained on %6 · %7 parameters · "
                          "%8 multiply-accumulates per sample")
                           .arg(QString::fromStdString(m_model.name).toHtmlEscaped(),
                                where.toHtmlEscaped(), shape.join(QStringLiteral("×")))
                           .arg(m_model.numClasses())
                           .arg(heads.join(QStringLiteral(", ")), meta("dataset"),
                                QLocale().toString(qlonglong(total.params)),
                                QLocale().toString(qlonglong(total.macs))));

    m_format = new QComboBox;
    m_format->setObjectName(QStringLiteral("formatPicker"));
    m_format->setEditable(true);
    m_format->setInsertPolicy(QComboBox::NoInsert);
    m_format->addItems({QStringLiteral("fp32"), QStringLiteral("fp16"), QStringLiteral("bf16"),
                        QStringLiteral("fp8e4m3"), QStringLiteral("int16"), QStringLiteral("int8"),
                        QStringLiteral("w4a8"), QStringLiteral("int4"), QStringLiteral("int2"),
                        QStringLiteral("q4.12"), QStringLiteral("sc8"), QStringLiteral("sc10")});
    m_format->setToolTip(tr("Any format name: fp32, fp16, bf16, e<E>m<M>, int<b>, w<b>a<b>, "
                            "q<m>.<n>, sc<k>, with suffixes"));
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("devicePicker"));
    try {
        for (const cost::PresetEntry &e : cost::listPresets()) {
            if (e.type == "device" && e.error.empty()) {
                m_device->addItem(QString::fromStdString(e.name));
                m_device->setItemData(m_device->count() - 1, QString::fromStdString(e.description),
                                      Qt::ToolTipRole);
            }
        }
    } catch (const std::exception &) {
        // no presets: the cost columns stay empty and costLine says why
    }
    m_costLine = new QLabel;
    m_costLine->setObjectName(QStringLiteral("costLine"));
    m_costLine->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Format:")));
    controls->addWidget(m_format);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Device:")));
    controls->addWidget(m_device);
    controls->addSpacing(12);
    controls->addWidget(m_costLine, 1);
    m_logEnergy = new QCheckBox(tr("Log energy axis"));
    m_logEnergy->setObjectName(QStringLiteral("logEnergy"));
    m_logEnergy->setToolTip(tr("Energy bars on a logarithmic axis, so that small layers show"));
    controls->addWidget(m_logEnergy);

    m_layers = new LayerCostModel(this);
    m_layers->setLayers(std::move(rows));
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("layerTable"));
    m_table->setModel(m_layers);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    const int rowHeight = m_table->fontMetrics().height() + 6;
    m_table->verticalHeader()->setDefaultSectionSize(rowHeight);
    // The total row stays in view below the layers, however many there are: a one-row
    // table of the same model, its columns and scrolling tied to the layer table's.
    m_totals = new QTableView;
    m_totals->setObjectName(QStringLiteral("layerTotals"));
    m_totals->setModel(m_layers);
    m_totals->horizontalHeader()->setVisible(false);
    m_totals->verticalHeader()->setVisible(false);
    m_totals->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_totals->setSelectionMode(QAbstractItemView::NoSelection);
    m_totals->setFocusPolicy(Qt::NoFocus);
    m_totals->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_totals->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int last = m_layers->rowCount() - 1;
    for (int r = 0; r < last; ++r)
        m_totals->setRowHidden(r, true);
    if (last >= 0)
        m_table->setRowHidden(last, true);
    m_totals->setFixedHeight(rowHeight + 2 * m_totals->frameWidth());
    connect(m_table->horizontalScrollBar(), &QScrollBar::valueChanged,
            m_totals->horizontalScrollBar(), &QScrollBar::setValue);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this,
            [this](int column, int, int size) { m_totals->setColumnWidth(column, size); });
    auto *tables = new QWidget;
    auto *tablesLayout = new QVBoxLayout(tables);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->setSpacing(0);
    tablesLayout->addWidget(m_table, 1);
    tablesLayout->addWidget(m_totals);

    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_chartView = new ChartView(chart);
    m_chartView->setObjectName(QStringLiteral("layerEnergyChart"));
    m_chartView->setExportName(QStringLiteral("energy-by-layer"));

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(tables);
    split->addWidget(m_chartView);
    const auto training = m_model.metadata.find("training");
    if (training != m_model.metadata.end()) {
        const QJsonObject result = TrainingCurves::fromMetadata(training->second);
        if (!result.isEmpty())
            split->addWidget(new TrainingCurves(result));
    }
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({290, 390});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    const Preferences prefs = Preferences::load();
    const int device = m_device->findText(prefs.devicePreset);
    if (device >= 0)
        m_device->setCurrentIndex(device);
    m_format->setCurrentText(prefs.format);
    connect(m_format, &QComboBox::currentTextChanged, this, &ModelView::recompute);
    connect(m_device, &QComboBox::currentTextChanged, this, &ModelView::recompute);
    connect(m_logEnergy, &QCheckBox::toggled, this, &ModelView::fillChart);
    recompute();
}

ModelView::~ModelView() = default;

void ModelView::setLogEnergy(bool log)
{
    m_logEnergy->setChecked(log);
}

bool ModelView::logEnergy() const
{
    return m_logEnergy->isChecked();
}

int ModelView::layerRowCount() const
{
    return std::max(0, m_layers->rowCount() - 1);
}

QString ModelView::format() const
{
    return m_format->currentText().trimmed();
}

QString ModelView::device() const
{
    return m_device->currentText();
}

bool ModelView::setFormat(const QString &format)
{
    m_format->setCurrentText(format);
    recompute();
    return m_error.isEmpty();
}

bool ModelView::setDevice(const QString &preset)
{
    const int i = m_device->findText(preset);
    if (i < 0) {
        m_error = tr("no device preset '%1'").arg(preset);
        return false;
    }
    m_device->setCurrentIndex(i);
    recompute();
    return m_error.isEmpty();
}

void ModelView::recompute()
{
    m_error.clear();
    std::optional<cost::VariantCost> result;
    if (device().isEmpty()) {
        m_error = tr("no device presets found (resources/presets)");
    } else {
        try {
            const numeric::FormatSpec spec = numeric::parseFormat(format().toStdString());
            const cost::CostModel costModel = cost::CostModel::load(device().toStdString());
            result = costModel.evaluate(m_model, spec);
        } catch (const std::exception &e) {
            m_error = QString::fromUtf8(e.what());
        }
    }
    // One energy unit for the table and the chart, from the fp32 reference and the chosen
    // format together: it stays put when the format changes.
    double basis = NAN;
    if (result) {
        basis = 0;
        for (const cost::LayerCost &l : result->layers)
            basis = std::max(basis, l.energy_pj);
        try {
            const cost::VariantCost fp32 = cost::CostModel::load(device().toStdString())
                                               .evaluate(m_model, numeric::parseFormat("fp32"));
            for (const cost::LayerCost &l : fp32.layers)
                basis = std::max(basis, l.energy_pj);
        } catch (const std::exception &) {
            // no fp32 timing on this device: the chosen format's own range
        }
    }
    m_layers->setCost(result, basis);
    if (!m_error.isEmpty()) {
        m_costLine->setText(
            QStringLiteral("<span style='color:#d55e00'>%1</span>").arg(m_error.toHtmlEscaped()));
    } else {
        const cost::VariantCost &c = *result;
        m_costLine->setText(
            tr("<b>%1</b> per inference · %2 µs · weights %3 B + peak activations %4 B%5")
                .arg(energyText(c.total.energy_pj))
                .arg(QLocale().toString(c.total.latency_us, 'g', 4))
                .arg(QLocale().toString(qlonglong(c.weight_bytes)),
                     QLocale().toString(qlonglong(c.peakActivation_bytes)),
                     c.fits ? QString()
                            : QStringLiteral(" · <span style='color:#d55e00'>%1</span>")
                                  .arg(QString::fromStdString(c.fitNote).toHtmlEscaped())));
    }
    fillChart();
    fitColumns();
}

void ModelView::fitColumns()
{
    // Both tables get the widest text of each column, the bold total included, so that
    // their columns line up and no number is elided.
    QFont bold = m_table->font();
    bold.setBold(true);
    const QFontMetrics plain(m_table->font()), strong(bold);
    const QFontMetrics header(m_table->horizontalHeader()->font());
    const int last = m_layers->rowCount() - 1;
    for (int c = 0; c < m_layers->columnCount(); ++c) {
        int width = header.horizontalAdvance(
                        m_layers->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString())
                    + 24;
        for (int r = 0; r <= last; ++r) {
            const QString text = m_layers->data(m_layers->index(r, c), Qt::DisplayRole).toString();
            width = std::max(width, (r == last ? strong : plain).horizontalAdvance(text) + 16);
        }
        m_table->setColumnWidth(c, width);
        m_totals->setColumnWidth(c, width);
    }
}

void ModelView::fillChart()
{
    QChart *chart = m_chartView->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
    const std::optional<cost::VariantCost> &chosen = m_layers->cost();
    if (!chosen) {
        chart->setTitle(tr("Energy per layer: no cost"));
        return;
    }
    std::optional<cost::VariantCost> reference;
    if (format() != QLatin1String("fp32")) {
        try {
            reference = cost::CostModel::load(device().toStdString())
                            .evaluate(m_model, numeric::parseFormat("fp32"));
        } catch (const std::exception &) {
            // the device has no fp32 timing: show the chosen format alone
        }
    }
    // Layers that cost something, in model order, left to right.
    QStringList names;
    std::vector<double> chosenPj, referencePj;
    double maxPj = 0;
    for (size_t i = 0; i < chosen->layers.size(); ++i) {
        const cost::LayerCost &c = chosen->layers[i];
        const double ref = reference ? reference->layers[i].energy_pj : 0.0;
        if (c.energy_pj <= 0 && ref <= 0)
            continue;
        names.append(QString::fromStdString(c.counts.name));
        chosenPj.push_back(c.energy_pj);
        referencePj.push_back(ref);
        maxPj = std::max({maxPj, c.energy_pj, ref});
    }
    const double scale = m_layers->energyFormat().scale;
    const QString unit = QString::fromStdString(m_layers->energyFormat().unit);
    auto *series = new QBarSeries;
    if (reference) {
        auto *ref = new QBarSet(QStringLiteral("fp32"));
        ref->setColor(Theme::seriesColor(5));
        ref->setBorderColor(Theme::seriesColor(5));
        for (double v : referencePj)
            *ref << v * scale;
        series->append(ref);
    }
    auto *set = new QBarSet(format());
    set->setColor(Theme::seriesColor(0));
    set->setBorderColor(Theme::seriesColor(0));
    for (double v : chosenPj)
        *set << v * scale;
    series->append(set);
    chart->addSeries(series);
    auto *layersAxis = new QBarCategoryAxis;
    layersAxis->append(names);
    if (names.size() > 12)
        layersAxis->setLabelsAngle(-60);
    QAbstractAxis *energyAxis = nullptr;
    if (m_logEnergy->isChecked()) {
        // From a decade below the smallest bar, so that every layer shows.
        double minPj = maxPj;
        for (const std::vector<double> *values : {&chosenPj, &referencePj}) {
            for (double v : *values) {
                if (v > 0)
                    minPj = std::min(minPj, v);
            }
        }
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setMinorTickCount(8);
        log->setTitleText(tr("energy (%1), log scale").arg(unit));
        const double lo = std::pow(10.0, std::floor(std::log10(std::max(1e-30, minPj * scale))));
        log->setRange(lo, std::max(lo * 10, maxPj * scale * 1.5));
        energyAxis = log;
    } else {
        auto *linear = new QValueAxis;
        linear->setTitleText(tr("energy (%1)").arg(unit));
        linear->setRange(0, std::max(1e-12, maxPj * scale * 1.05));
        linear->applyNiceNumbers();
        energyAxis = linear;
    }
    chart->addAxis(layersAxis, Qt::AlignBottom);
    chart->addAxis(energyAxis, Qt::AlignLeft);
    series->attachAxis(layersAxis);
    series->attachAxis(energyAxis);
    chart->setTitle(tr("Energy per layer and inference on %1").arg(device()));
    chart->legend()->setVisible(true);
    m_chartView->applyPalette();
}

} // namespace frontier::ui
