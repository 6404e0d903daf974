// The main window under the offscreen platform: project tree, model and dataset views,
// the jobs dock, recent projects and restored state.

#include "chartview.h"
#include "datasetview.h"
#include "jobrow.h"
#include "layercostmodel.h"
#include "mainwindow.h"
#include "modelview.h"
#include "preferences.h"
#include "projectdocument.h"
#include "projecttree.h"
#include "recentfiles.h"
#include "theme.h"
#include "uitestutil.h"
#include "workspace.h"

#include "cost/costmodel.h"
#include "model/model.h"
#include "model/modelfile.h"
#include "model/recipes.h"
#include "numeric/formatspec.h"
#include "study/metricformat.h"

#include <QAbstractAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLogValueAxis>
#include <QMenuBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidgetItem>
#include <QValueAxis>

using namespace frontier;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void treeListsCatalogAndModels();
    void missingDatasetsAreGreyed();
    void modelViewShowsCostPerFormat();
    void modelViewShowsWholeBytesAndItsTotal();
    void modelViewLogEnergyAxis();
    void modelViewKeepsOneEnergyUnit();
    void datasetViewShowsSamplesAndHistogram();
    void datasetViewSaysOneNormalisation();
    void csvHeaderNamesTheFeatures();
    void jobsDockShowsThreeJobs();
    void recentProjectsAndStateRestored();
    void badProjectIsAMessage();
    void shortcutsExist();
    void chartsFollowThePalette();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    test::isolateSettings("tst_mainwindow");
    QVERIFY(m_dir.isValid());
    for (const char *recipe : {"mlp", "lenet"}) {
        model::Model m = model::makeRecipe(recipe, {1, 28, 28}, 10);
        m.initialize(1);
        m.name = recipe;
        model::saveModel(m,
                         m_dir.filePath(QStringLiteral("demo-%1.fmodel").arg(QLatin1String(recipe)))
                             .toStdString());
    }
}

void TestMainWindow::treeListsCatalogAndModels()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.projectTree()->datasetCount() >= 6); // synth-digits, mnist, optdigits, UCI sets
    QCOMPARE(window.projectTree()->modelCount(), 0);
    QVERIFY(window.openProject(m_dir.path()));
    QCOMPARE(window.projectTree()->modelCount(), 2);
    const QString mlp = m_dir.filePath(QStringLiteral("demo-mlp.fmodel"));
    window.showModelSummary(mlp);
    QCOMPARE(window.centralTabs()->count(), 1);
    auto *view = qobject_cast<ui::ModelView *>(window.centralTabs()->currentWidget());
    QVERIFY(view);
    QCOMPARE(view->layerRowCount(), int(view->model().layers.size()));
    window.showModelSummary(mlp); // the same model again: no second tab
    QCOMPARE(window.centralTabs()->count(), 1);
}

void TestMainWindow::missingDatasetsAreGreyed()
{
    ui::MainWindow window;
    window.show();
    ui::ProjectTree *tree = window.projectTree();
    // Catalog entries whose files are not on the search path (the machines keep MNIST,
    // optdigits and the UCI sets, not CIFAR-10 or Fashion-MNIST).
    for (const QString &absent : {QStringLiteral("cifar10"), QStringLiteral("fashion-mnist")}) {
        QTreeWidgetItem *item = tree->datasetItem(absent);
        QVERIFY2(item, qPrintable(absent));
        QVERIFY(ui::ProjectTree::isMissing(item));
        QVERIFY2(item->toolTip(0).startsWith(QStringLiteral("not found: searched ")),
                 qPrintable(item->toolTip(0)));
        for (const std::string &dir : data::dataSearchPath())
            QVERIFY(item->toolTip(0).contains(QString::fromStdString(dir)));
        QCOMPARE(item->foreground(0).color(),
                 tree->palette().color(QPalette::Disabled, QPalette::Text));
    }
    for (const QString &present :
         {QStringLiteral("synth-digits"), QStringLiteral("mnist"), QStringLiteral("iris")}) {
        QTreeWidgetItem *item = tree->datasetItem(present);
        QVERIFY2(item, qPrintable(present));
        QVERIFY2(!ui::ProjectTree::isMissing(item), qPrintable(item->toolTip(0)));
        QVERIFY(item->foreground(0).color()
                != tree->palette().color(QPalette::Disabled, QPalette::Text));
    }
}

// The model view's energy: one unit in the table's header, its cells and the chart's axis
// (study::MetricFormat from the largest layer, the fp32 reference included), the same unit
// whatever the format, and latency under the rule too.
void TestMainWindow::modelViewKeepsOneEnergyUnit()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ModelView *view = window.workspace()->openModel(m_dir.filePath("demo-mlp.fmodel"));
    QVERIFY(view);
    QVERIFY(view->setDevice(QStringLiteral("asic45")));
    QString unitSeen;
    for (const char *format : {"fp32", "int8", "int4", "int2", "fp16"}) {
        QVERIFY(view->setFormat(QString::fromLatin1(format)));
        const ui::LayerCostModel *table = view->layerModel();
        const study::MetricFormat &energy = table->energyFormat();
        const QString unit = QString::fromStdString(energy.unit);
        if (unitSeen.isEmpty())
            unitSeen = unit;
        QCOMPARE(unit, unitSeen); // does not switch with the format
        const QString header
            = table->headerData(ui::LayerCostModel::Energy, Qt::Horizontal, Qt::DisplayRole)
                  .toString();
        QCOMPARE(header, QStringLiteral("Energy (%1)").arg(unit));
        std::vector<double> latencies;
        for (int r = 0; r + 1 < table->rowCount(); ++r) {
            const double e = table->value(r, ui::LayerCostModel::Energy);
            QCOMPARE(table->data(table->index(r, ui::LayerCostModel::Energy), Qt::DisplayRole)
                         .toString(),
                     QString::fromStdString(energy.number(e)));
            latencies.push_back(table->value(r, ui::LayerCostModel::Latency));
        }
        const study::MetricFormat latency = study::MetricFormat::forValues("latency_us", latencies);
        QCOMPARE(table->headerData(ui::LayerCostModel::Latency, Qt::Horizontal, Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("Latency (%1)").arg(QString::fromStdString(latency.unit)));
        bool axisFound = false;
        for (QAbstractAxis *axis : view->energyChart()->chart()->axes()) {
            if (axis->titleText().startsWith(QLatin1String("energy"))) {
                QVERIFY2(axis->titleText().contains(QStringLiteral("(%1)").arg(unit)),
                         qPrintable(axis->titleText()));
                axisFound = true;
            }
        }
        QVERIFY(axisFound);
    }
}

void TestMainWindow::modelViewShowsWholeBytesAndItsTotal()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openProject(m_dir.path());
    for (const char *name : {"demo-lenet.fmodel", "demo-mlp.fmodel"}) {
        ui::ModelView *view
            = window.workspace()->openModel(m_dir.filePath(QString::fromLatin1(name)));
        QVERIFY(view);
        QVERIFY(view->setDevice(QStringLiteral("asic45")));
        QVERIFY(view->setFormat(QStringLiteral("int2")));
        const ui::LayerCostModel *table = view->layerModel();
        const cost::VariantCost &cost = *table->cost();
        // Whole bytes as stored: every layer's bits rounded up, the total their sum.
        double weights = 0;
        for (int r = 0; r + 1 < table->rowCount(); ++r) {
            const double v = table->value(r, ui::LayerCostModel::WeightBytes);
            QCOMPARE(v, std::ceil(v));
            const QString shown
                = table->data(table->index(r, ui::LayerCostModel::WeightBytes), Qt::DisplayRole)
                      .toString();
            QVERIFY2(!shown.contains(QLocale().decimalPoint()), qPrintable(shown));
        }
        for (const cost::LayerCost &c : cost.layers)
            weights += std::ceil(double(c.counts.weightBits) / 8.0);
        const int total = table->rowCount() - 1;
        QCOMPARE(table->value(total, ui::LayerCostModel::WeightBytes), weights);
        QVERIFY(weights >= double(cost.total.counts.weightBits) / 8.0);
        // The total row is on screen, whole, without scrolling, below the layers.
        QTest::qWait(50);
        QTableView *layers = view->layerTable();
        QTableView *totals = view->totalsTable();
        QVERIFY(layers->isRowHidden(total));
        for (int r = 0; r < total; ++r)
            QVERIFY(totals->isRowHidden(r));
        const QRect row = totals->visualRect(totals->model()->index(total, 0));
        QVERIFY(row.isValid());
        QVERIFY2(row.top() >= 0 && row.bottom() < totals->viewport()->height(),
                 qPrintable(QStringLiteral("total row %1..%2, viewport %3")
                                .arg(row.top())
                                .arg(row.bottom())
                                .arg(totals->viewport()->height())));
        QVERIFY(totals->isVisible());
        QCOMPARE(totals->visibleRegion().boundingRect().size(), totals->size());
        QVERIFY(totals->mapTo(view, QPoint(0, 0)).y() > layers->mapTo(view, QPoint(0, 0)).y());
        // Its columns line up with the layers', and no number is cut short.
        for (int c = 0; c < ui::LayerCostModel::ColumnCount; ++c) {
            QCOMPARE(totals->columnWidth(c), layers->columnWidth(c));
            const QString text = table->data(table->index(total, c), Qt::DisplayRole).toString();
            QFont bold = totals->font();
            bold.setBold(true);
            QVERIFY(QFontMetrics(bold).horizontalAdvance(text) < totals->columnWidth(c));
        }
    }
}

void TestMainWindow::modelViewLogEnergyAxis()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ModelView *view
        = window.workspace()->openModel(m_dir.filePath(QStringLiteral("demo-lenet.fmodel")));
    QVERIFY(view);
    QVERIFY(view->setDevice(QStringLiteral("asic45")));
    QVERIFY(view->setFormat(QStringLiteral("int8")));
    const auto energyAxis = [view]() -> QAbstractAxis * {
        const auto axes = view->energyChart()->chart()->axes(Qt::Vertical);
        return axes.isEmpty() ? nullptr : axes.first();
    };
    QVERIFY(qobject_cast<QValueAxis *>(energyAxis()));
    view->setLogEnergy(true);
    auto *log = qobject_cast<QLogValueAxis *>(energyAxis());
    QVERIFY(log);
    QVERIFY(log->titleText().contains(QStringLiteral("log")));
    // Every bar lies inside the axis, the smallest layer included.
    auto *bars
        = qobject_cast<QAbstractBarSeries *>(view->energyChart()->chart()->series().value(0));
    QVERIFY(bars);
    for (QBarSet *set : bars->barSets()) {
        for (int i = 0; i < set->count(); ++i) {
            if (set->at(i) > 0) {
                QVERIFY(set->at(i) >= log->min());
                QVERIFY(set->at(i) <= log->max());
            }
        }
    }
    // The format changes, the log axis stays; unchecked, it is linear again.
    QVERIFY(view->setFormat(QStringLiteral("fp32")));
    QVERIFY(qobject_cast<QLogValueAxis *>(energyAxis()));
    view->setLogEnergy(false);
    QVERIFY(qobject_cast<QValueAxis *>(energyAxis()));
}

void TestMainWindow::modelViewShowsCostPerFormat()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ModelView *view
        = window.workspace()->openModel(m_dir.filePath(QStringLiteral("demo-lenet.fmodel")));
    QVERIFY(view);
    QVERIFY2(view->setDevice(QStringLiteral("asic45")), qPrintable(view->costError()));
    for (const QString &format : {QStringLiteral("fp32"), QStringLiteral("int8"),
                                  QStringLiteral("w4a8"), QStringLiteral("fp16")}) {
        QVERIFY2(view->setFormat(format), qPrintable(view->costError()));
        const cost::VariantCost want = cost::CostModel::load("asic45").evaluate(
            view->model(), numeric::parseFormat(format.toStdString()));
        const ui::LayerCostModel *table = view->layerModel();
        const int total = table->rowCount() - 1;
        QCOMPARE(table->value(total, ui::LayerCostModel::Energy), want.total.energy_pj);
        QCOMPARE(table->value(total, ui::LayerCostModel::Latency), want.total.latency_us);
        QCOMPARE(table->value(0, ui::LayerCostModel::Energy), want.layers[0].energy_pj);
        // The chart has one bar per layer that costs energy, for this format.
        auto *bars
            = qobject_cast<QAbstractBarSeries *>(view->energyChart()->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->barSets().last()->label(), format);
    }
    QVERIFY(!view->setFormat(QStringLiteral("int99")));
    QVERIFY(view->costError().contains(QStringLiteral("int99")));
    QVERIFY(std::isnan(view->layerModel()->value(0, ui::LayerCostModel::Energy)));
}

void TestMainWindow::datasetViewShowsSamplesAndHistogram()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    ui::DatasetView *images = window.workspace()->openDataset(QStringLiteral("optdigits"));
    ui::DatasetView *table = window.workspace()->openDataset(QStringLiteral("iris"));
    QVERIFY(test::waitForJobs(window.jobsDock()));
    QVERIFY(images->hasData());
    QVERIFY(table->hasData());
    QCOMPARE(images->shownSampleCount(),
             std::min(ui::Preferences::load().sampleCount, images->prepared()->train.size()));
    QCOMPARE(table->shownSampleCount(), table->prepared()->train.size());
    auto *bars = qobject_cast<QBarSeries *>(images->histogram()->chart()->series().value(0));
    QVERIFY(bars);
    QCOMPARE(bars->count(), 3); // train, calibration, test
    const std::vector<int> counts = images->prepared()->test.classCounts();
    for (int c = 0; c < int(counts.size()); ++c)
        QCOMPARE(int(bars->barSets()[2]->at(c)), counts[size_t(c)]);
    QVERIFY(images->histogram()->csv().startsWith(QStringLiteral("series,class,samples")));
    // An unreadable dataset is a message in the view, not a crash.
    ui::DatasetView *bad = window.workspace()->openDataset(QStringLiteral("/nonexistent.csv"));
    QVERIFY(test::waitForJobs(window.jobsDock()));
    QVERIFY(!bad->hasData());
}

void TestMainWindow::datasetViewSaysOneNormalisation()
{
    ui::MainWindow window;
    ui::DatasetView *images = window.workspace()->openDataset(QStringLiteral("optdigits"));
    ui::DatasetView *table = window.workspace()->openDataset(QStringLiteral("iris"));
    QVERIFY(test::waitForJobs(window.jobsDock()));
    const QString words[]
        = {QStringLiteral("x/16"), QStringLiteral("per-feature standardisation (fitted on train)")};
    int i = 0;
    for (ui::DatasetView *view : {images, table}) {
        QVERIFY(view->hasData());
        const QString summary = view->findChild<QLabel *>(QStringLiteral("datasetSummary"))->text();
        const QString want = QStringLiteral("normalisation ") + words[i++];
        // The header and the subtitle (the loader's description) say the same.
        QCOMPARE(summary.count(want), 2);
        QVERIFY2(!summary.contains(QStringLiteral("global")), qPrintable(summary));
    }
}

void TestMainWindow::csvHeaderNamesTheFeatures()
{
    // A CSV with a header row: the UCI iris file of the shared data folder with its
    // attributes' names on top.
    QString iris;
    for (const std::string &dir : data::dataSearchPath()) {
        const QString path = QString::fromStdString(dir) + QStringLiteral("/uci/iris.csv");
        if (QFileInfo::exists(path)) {
            iris = path;
            break;
        }
    }
    QVERIFY2(!iris.isEmpty(), "uci/iris.csv is not on the dataset search path");
    QFile in(iris);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QString named = m_dir.filePath(QStringLiteral("iris-named.csv"));
    QFile out(named);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("sepal length,sepal width,petal length,petal width,species\n" + in.readAll());
    out.close();

    ui::MainWindow window;
    ui::DatasetView *withHeader = window.workspace()->openDataset(named);
    ui::DatasetView *without = window.workspace()->openDataset(iris);
    QVERIFY(test::waitForJobs(window.jobsDock()));
    QVERIFY(withHeader->hasData());
    QVERIFY(without->hasData());
    const auto headers = [](ui::DatasetView *view) {
        QStringList names;
        QAbstractItemModel *model
            = view->findChild<QTableView *>(QStringLiteral("sampleTable"))->model();
        for (int c = 0; c < model->columnCount(); ++c)
            names << model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        return names;
    };
    QCOMPARE(headers(withHeader),
             QStringList({QStringLiteral("sepal length"), QStringLiteral("sepal width"),
                          QStringLiteral("petal length"), QStringLiteral("petal width"),
                          QStringLiteral("class")}));
    QCOMPARE(
        withHeader->prepared()->test.featureNames,
        std::vector<std::string>({"sepal length", "sepal width", "petal length", "petal width"}));
    // No header row: x0.. as before.
    QCOMPARE(headers(without),
             QStringList({QStringLiteral("x0"), QStringLiteral("x1"), QStringLiteral("x2"),
                          QStringLiteral("x3"), QStringLiteral("class")}));
}

void TestMainWindow::jobsDockShowsThreeJobs()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (int i = 0; i < 3; ++i)
        window.jobsDock()->start(QStringLiteral("job %1").arg(i), [](ui::JobContext &) {});
    QVERIFY(test::waitForJobs(window.jobsDock()));
    QTest::qWait(50);
    const QList<ui::JobRow *> rows = window.jobsDock()->findChildren<ui::JobRow *>();
    QCOMPARE(rows.size(), 3);
    for (ui::JobRow *row : rows) {
        // Whole on screen: not clipped by the dock's scroll area.
        QCOMPARE(row->visibleRegion().boundingRect().size(), row->size());
    }
}

void TestMainWindow::recentProjectsAndStateRestored()
{
    {
        ui::MainWindow window;
        window.resize(1100, 700);
        window.show();
        QVERIFY(window.openProject(m_dir.path()));
        window.findChild<QDockWidget *>(QStringLiteral("jobsDock"))->hide();
        window.close();
    }
    ui::MainWindow again;
    QCOMPARE(again.recentProjects()->files().value(0), m_dir.path());
    QCOMPARE(again.size(), QSize(1100, 700));
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY(!again.findChild<QDockWidget *>(QStringLiteral("jobsDock"))->isVisible());

    ui::Preferences p = ui::Preferences::load();
    p.format = QStringLiteral("w4a8");
    p.sampleCount = 100;
    p.save();
    QCOMPARE(ui::Preferences::load().format, QStringLiteral("w4a8"));
    QCOMPARE(ui::Preferences::load().sampleCount, 100);
}

void TestMainWindow::badProjectIsAMessage()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(!window.openProject(QStringLiteral("/nonexistent/project")));
    QVERIFY(!window.project()->isOpen());
}

void TestMainWindow::shortcutsExist()
{
    ui::MainWindow window;
    QStringList shortcuts;
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (!action->shortcut().isEmpty())
                shortcuts << action->shortcut().toString();
        }
    }
    for (const QKeySequence &key :
         {QKeySequence(QKeySequence::Open), QKeySequence(QKeySequence::New),
          QKeySequence(Qt::CTRL | Qt::Key_E), QKeySequence(Qt::CTRL | Qt::Key_I),
          QKeySequence(Qt::CTRL | Qt::Key_Q)})
        QVERIFY2(shortcuts.contains(key.toString()), qPrintable(key.toString()));
    QCOMPARE(shortcuts.size(), QSet<QString>(shortcuts.begin(), shortcuts.end()).size());
}

void TestMainWindow::chartsFollowThePalette()
{
    ui::MainWindow window;
    window.show();
    window.openProject(m_dir.path());
    ui::ModelView *view
        = window.workspace()->openModel(m_dir.filePath(QStringLiteral("demo-mlp.fmodel")));
    QVERIFY(view);
    QChart *chart = view->energyChart()->chart();
    ui::Theme::apply(ui::Preferences::Theme::Dark);
    QVERIFY(ui::Theme::isDark());
    QTest::qWait(20);
    QCOMPARE(chart->backgroundBrush().color(), ui::Theme::darkPalette().color(QPalette::Base));
    QCOMPARE(chart->titleBrush().color(), ui::Theme::darkPalette().color(QPalette::WindowText));
    ui::Theme::apply(ui::Preferences::Theme::Light);
    QVERIFY(!ui::Theme::isDark());
    QTest::qWait(20);
    QCOMPARE(chart->backgroundBrush().color(), ui::Theme::lightPalette().color(QPalette::Base));
    ui::Theme::apply(ui::Preferences::Theme::System);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
