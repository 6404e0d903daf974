// The main window under the offscreen platform: project tree, model and dataset views,
// recent projects and restored state.

#include "chartview.h"
#include "datasetview.h"
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

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDockWidget>
#include <QMenuBar>
#include <QTabWidget>
#include <QTemporaryDir>

using namespace frontier;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void treeListsCatalogAndModels();
    void modelViewShowsCostPerFormat();
    void datasetViewShowsSamplesAndHistogram();
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
