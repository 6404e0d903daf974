#include "datasetview.h"

#include "chartview.h"
#include "datasettablemodel.h"
#include "samplegridmodel.h"
#include "theme.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QListView>
#include <QLocale>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QValueAxis>

namespace frontier::ui {

namespace {

const data::Dataset &partOf(const data::PreparedData &d, int part)
{
    return part == 0 ? d.train : part == 1 ? d.calibration : d.test;
}

QString shapeText(const std::vector<int> &shape)
{
    QStringList dims;
    for (int d : shape)
        dims << QString::number(d);
    return dims.join(QStringLiteral("×"));
}

} // namespace

DatasetView::DatasetView(const QString &spec, QWidget *parent)
    : QWidget(parent)
    , m_spec(spec)
{
    m_summary = new QLabel(tr("Loading %1...").arg(spec));
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_part = new QComboBox;
    m_part->setObjectName(QStringLiteral("datasetPart"));
    m_part->addItems({tr("Train"), tr("Calibration"), tr("Test")});
    m_class = new QComboBox;
    m_class->setObjectName(QStringLiteral("datasetClass"));
    m_class->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Part:")));
    controls->addWidget(m_part);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Class:")));
    controls->addWidget(m_class);
    controls->addStretch(1);

    m_gridModel = new SampleGridModel(this);
    m_grid = new QListView;
    m_grid->setObjectName(QStringLiteral("sampleGrid"));
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setSpacing(4);
    m_grid->setModel(m_gridModel);
    m_tableModel = new DatasetTableModel(this);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("sampleTable"));
    m_table->setModel(m_tableModel);
    m_table->horizontalHeader()->setDefaultSectionSize(72);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_grid);
    m_stack->addWidget(m_table);

    auto *chart = new QChart;
    chart->setTitle(tr("Samples per class"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_chartView = new ChartView(chart);
    m_chartView->setObjectName(QStringLiteral("classHistogram"));
    m_chartView->setExportName(QStringLiteral("class-histogram"));

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addWidget(m_stack, 1);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({620, 420});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_part, &QComboBox::currentIndexChanged, this, &DatasetView::showPart);
    connect(m_class, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_gridModel->setClassFilter(index - 1); });
    m_part->setEnabled(false);
    m_class->setEnabled(false);
}

DatasetView::~DatasetView() = default;

void DatasetView::setError(const QString &message)
{
    m_summary->setText(tr("<b>%1</b> could not be loaded: %2")
                           .arg(m_spec.toHtmlEscaped(), message.toHtmlEscaped()));
}

void DatasetView::setSampleLimit(int limit)
{
    m_gridModel->setLimit(limit);
}

void DatasetView::setData(std::shared_ptr<const data::PreparedData> prepared)
{
    m_data = std::move(prepared);
    const data::Dataset &train = m_data->train;
    const QLocale locale;
    m_summary->setText(
        tr("<b>%1</b> · %2 per sample · %3 classes · train %4, calibration %5, test %6 "
           "samples · normalisation %7<br><span style='color:gray'>%8</span>")
            .arg(QString::fromStdString(train.name).toHtmlEscaped(), shapeText(train.shape))
            .arg(train.numClasses())
            .arg(locale.toString(train.size()), locale.toString(m_data->calibration.size()),
                 locale.toString(m_data->test.size()),
                 QString::fromStdString(m_data->normalizationText).toHtmlEscaped(),
                 QString::fromStdString(m_data->description).toHtmlEscaped()));
    m_class->blockSignals(true);
    m_class->clear();
    m_class->addItem(tr("All classes"));
    for (const std::string &name : train.classNames)
        m_class->addItem(QString::fromStdString(name));
    m_class->blockSignals(false);
    m_part->setEnabled(true);
    m_class->setEnabled(train.isImage() && train.hasLabels());
    m_stack->setCurrentIndex(train.isImage() ? 0 : 1);
    showPart(m_part->currentIndex());
    fillHistogram();
}

void DatasetView::showPart(int part)
{
    if (!m_data)
        return;
    // Aliasing shared_ptr: the part lives as long as the prepared data.
    std::shared_ptr<const data::Dataset> set(m_data, &partOf(*m_data, part));
    if (set->isImage()) {
        m_gridModel->setDataset(set);
        const int side = std::max(set->shape[1], set->shape[2]) * 2;
        m_grid->setIconSize(QSize(side, side));
        m_grid->setGridSize(QSize(side + 16, side + fontMetrics().height() + 12));
    } else {
        m_tableModel->setDataset(set);
    }
}

int DatasetView::shownSampleCount() const
{
    return m_stack->currentIndex() == 0 ? m_gridModel->rowCount() : m_tableModel->rowCount();
}

void DatasetView::fillHistogram()
{
    QChart *chart = m_chartView->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
    auto *series = new QBarSeries;
    const QStringList names = {tr("train"), tr("calibration"), tr("test")};
    int maxCount = 1;
    for (int part = 0; part < 3; ++part) {
        const data::Dataset &set = partOf(*m_data, part);
        if (!set.hasLabels())
            continue;
        auto *bars = new QBarSet(names[part]);
        bars->setColor(Theme::seriesColor(part));
        bars->setBorderColor(Theme::seriesColor(part));
        for (int count : set.classCounts()) {
            *bars << count;
            maxCount = std::max(maxCount, count);
        }
        series->append(bars);
    }
    chart->addSeries(series);
    QStringList categories;
    for (const std::string &name : m_data->train.classNames)
        categories << QString::fromStdString(name);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(tr("class"));
    int longest = 0;
    for (const QString &c : categories)
        longest = std::max(longest, int(c.size()));
    if (categories.size() > 12 || (categories.size() > 4 && longest > 3))
        x->setLabelsAngle(-60);
    auto *y = new QValueAxis;
    y->setTitleText(tr("samples"));
    y->setRange(0, maxCount * 1.08);
    y->setLabelFormat(QStringLiteral("%d"));
    y->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    m_chartView->applyPalette();
}

} // namespace frontier::ui
