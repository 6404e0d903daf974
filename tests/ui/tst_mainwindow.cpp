// The main window under the offscreen platform: project tree, central area, and a
// screenshot at 1280x800 for the documentation when FRONTIER_SCREENSHOT_DIR is set.

#include "mainwindow.h"
#include "modelview.h"
#include "projecttree.h"

#include "model/model.h"
#include "model/modelfile.h"
#include "model/recipes.h"

#include "testutil.h"

#include <QApplication>
#include <QTabWidget>
#include <QTemporaryDir>

using namespace frontier;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void treeListsCatalogAndModels();
    void screenshot();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("FrontierTests"));
    QApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QVERIFY(m_dir.isValid());
    for (const char *recipe : {"mlp", "lenet"}) {
        model::Model m = model::makeRecipe(recipe, {1, 28, 28}, 10);
        m.initialize(1);
        m.name = recipe;
        model::saveModel(m, m_dir.filePath(QStringLiteral("demo-%1.fmodel")
                                               .arg(QLatin1String(recipe)))
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
    window.openProjectFolder(m_dir.path());
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

void TestMainWindow::screenshot()
{
    const QByteArray dir = qgetenv("FRONTIER_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set FRONTIER_SCREENSHOT_DIR to write screenshots");
    ui::MainWindow window;
    window.resize(1280, 800);
    window.openProjectFolder(m_dir.path());
    window.showModelSummary(m_dir.filePath(QStringLiteral("demo-lenet.fmodel")));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(100);
    QVERIFY(window.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/main-window.png")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
