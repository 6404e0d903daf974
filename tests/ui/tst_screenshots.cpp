// Screenshots of every view at 1280x800 for the documentation, from real data (MNIST's
// test file) and models trained by a real study run. Skipped unless
// FRONTIER_SCREENSHOT_DIR names the folder to write them to (docs/screenshots), e.g.
//   FRONTIER_SCREENSHOT_DIR=docs/screenshots QT_QPA_PLATFORM=offscreen build/bin/tst_screenshots

#include "datasetview.h"
#include "explorersetup.h"
#include "jobsdock.h"
#include "mainwindow.h"
#include "modelview.h"
#include "projectdocument.h"
#include "resultsview.h"
#include "studyeditor.h"
#include "thresholdexplorer.h"
#include "uitestutil.h"
#include "workspace.h"

#include <QDockWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>

using namespace frontier;

namespace {

const char *const kStudy = R"({
    "schema": 1,
    "name": "mnist-edge",
    "description": "MNIST: mlp and lenet, reduced precision, ARI and HI on a 45 nm ASIC",
    "dataset": {"name": "mnist"},
    "models": [
        {"name": "mlp", "recipe": "mlp", "seed": 1},
        {"name": "lenet", "recipe": "lenet", "seed": 1}
    ],
    "policies": [
        {"kind": "single", "models": ["mlp", "lenet"], "formats": ["fp32", "fp16", "int2..int8"]},
        {"kind": "ari", "models": ["mlp", "lenet"], "reduced": ["int2..int6"],
         "taus": ["M", "PDF 0.99", "fidelity>=0.99", "0:0.5:11"]},
        {"kind": "hi", "models": ["mlp"], "formats": ["int4", "int8"],
         "decisions": ["lr", "maxprob", "margin"], "decision_taus": "0.5:0.95:4",
         "remotes": ["lenet"]}
    ],
    "devices": ["asic45"],
    "links": ["wifi"],
    "servers": ["server-edge"],
    "objectives": ["energy_pj:min", "accuracy:max"],
    "constraints": ["accuracy>=0.9"]
})";

const char *const kMcuStudy = R"({
    "schema": 1,
    "name": "mnist-mcu",
    "description": "The same models as single variants on a Cortex-M4F",
    "dataset": {"name": "mnist"},
    "models": [
        {"name": "mlp", "recipe": "mlp", "seed": 1},
        {"name": "lenet", "recipe": "lenet", "seed": 1}
    ],
    "policies": [
        {"kind": "single", "models": ["mlp", "lenet"], "formats": ["fp32", "int8", "int4"]},
        {"kind": "ari", "models": ["mlp", "lenet"], "reduced": ["int4", "int8"],
         "taus": ["M", "0:0.5:6"]}
    ],
    "devices": ["cortex-m4f"],
    "objectives": ["energy_pj:min", "accuracy:max"]
})";

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void screenshots();

private:
    void shoot(const QString &name);
    void closeTabs();

    QString m_out;
    QTemporaryDir m_dir;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestScreenshots::initTestCase()
{
    m_out = QString::fromLocal8Bit(qgetenv("FRONTIER_SCREENSHOT_DIR"));
    if (m_out.isEmpty())
        QSKIP("set FRONTIER_SCREENSHOT_DIR to write screenshots");
    test::isolateSettings("tst_screenshots");
    QVERIFY(m_dir.isValid());
}

void TestScreenshots::shoot(const QString &name)
{
    QTest::qWait(150);
    QVERIFY(m_window->grab().save(m_out + QLatin1Char('/') + name + QStringLiteral(".png")));
}

void TestScreenshots::closeTabs()
{
    QTabWidget *tabs = m_window->workspace()->tabs();
    while (tabs->count() > 0) {
        QWidget *w = tabs->widget(0);
        tabs->removeTab(0);
        w->deleteLater();
    }
    QTest::qWait(50);
}

void TestScreenshots::screenshots()
{
    m_window = std::make_unique<ui::MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const QString project = m_dir.filePath(QStringLiteral("mnist-edge.frontier"));
    QString error;
    QVERIFY2(m_window->project()->create(project, &error), qPrintable(error));
    QVERIFY(m_window->openProject(project));
    ui::Workspace *ws = m_window->workspace();

    // The study editor, then its run in the jobs dock (shot while it trains).
    ui::StudyEditor *editor = ws->newStudy();
    editor->setJson(kStudy, m_dir.path());
    QVERIFY2(editor->isValid(), qPrintable(editor->validationMessage()));
    QDockWidget *jobsDock = m_window->findChild<QDockWidget *>(QStringLiteral("jobsDock"));
    jobsDock->hide();
    shoot(QStringLiteral("study-editor"));
    jobsDock->show();
    editor->runButton()->click();
    ui::Job *run = m_window->jobsDock()->jobs().last();
    QVERIFY(QTest::qWaitFor([run] { return run->fraction() > 0.25; }, 300000));
    shoot(QStringLiteral("jobs-dock"));
    QVERIFY(test::waitForJobs(m_window->jobsDock(), 900000));
    QCOMPARE(run->state(), ui::Job::State::Succeeded);
    ui::StudyEditor *mcu = ws->newStudy();
    mcu->setJson(kMcuStudy, m_dir.path());
    mcu->runButton()->click();
    QVERIFY(test::waitForJobs(m_window->jobsDock(), 900000));
    m_window->jobsDock()->clearFinished();
    closeTabs();

    // Results: the Pareto chart and the table.
    ui::ResultsView *results = ws->openResults(QStringLiteral("mnist-edge"));
    QVERIFY(QTest::qWaitFor([results] { return results->setCount() == 1; }, 60000));
    jobsDock->hide();
    const auto [knee, kneeRow] = std::make_pair(0, results->front(0).knee);
    results->selectTrial(knee, kneeRow);
    shoot(QStringLiteral("pareto-view"));
    Q_EMIT results->overlayRequested(QStringLiteral("mnist-mcu"));
    QVERIFY(QTest::qWaitFor([results] { return results->setCount() == 2; }, 60000));
    results->setLogAxes(true, false);
    shoot(QStringLiteral("pareto-overlay"));

    // A dataset, a model, the threshold explorer.
    ui::DatasetView *mnist = ws->openDataset(QStringLiteral("mnist"));
    QVERIFY(test::waitForJobs(m_window->jobsDock()));
    QVERIFY(mnist->hasData());
    shoot(QStringLiteral("dataset-view"));
    ui::DatasetView *iris = ws->openDataset(QStringLiteral("iris"));
    QVERIFY(test::waitForJobs(m_window->jobsDock()));
    QVERIFY(iris->hasData());
    shoot(QStringLiteral("dataset-table"));

    QString lenet, mlp;
    for (const ui::ProjectDocument::Entry &e : m_window->project()->models()) {
        if (e.name.startsWith(QLatin1String("lenet")))
            lenet = e.path;
        if (e.name.startsWith(QLatin1String("mlp")))
            mlp = e.path;
    }
    QVERIFY(!lenet.isEmpty() && !mlp.isEmpty());
    ui::ModelView *model = ws->openModel(lenet);
    QVERIFY(model);
    QVERIFY(model->setDevice(QStringLiteral("asic45")));
    QVERIFY(model->setFormat(QStringLiteral("int8")));
    shoot(QStringLiteral("model-view"));

    ui::ThresholdExplorer *explorer = ws->openExplorer(mlp);
    ui::ExplorerRequest request;
    request.modelPath = mlp.toStdString();
    request.formats = {"int3;last=int8"};
    request.device = "asic45";
    explorer->setup()->setRequest(request);
    explorer->setup()->findChild<QPushButton *>(QStringLiteral("explorerCompute"))->click();
    QVERIFY(test::waitForJobs(m_window->jobsDock()));
    QVERIFY(explorer->data());
    explorer->setTau(0, 0.6);
    explorer->setLogX(true);
    shoot(QStringLiteral("threshold-explorer"));

    // HI with the fitted logistic-regression decision module.
    request.policy = ui::ExplorerRequest::Policy::Hi;
    request.formats = {"int4"};
    request.decision = "lr";
    request.link = "wifi";
    explorer->setup()->setRequest(request);
    explorer->setup()->findChild<QPushButton *>(QStringLiteral("explorerCompute"))->click();
    QVERIFY(test::waitForJobs(m_window->jobsDock()));
    QVERIFY(explorer->data());
    explorer->setTau(0, 0.8);
    shoot(QStringLiteral("threshold-explorer-hi-lr"));

    // The whole window with the dock back, on the dataset.
    jobsDock->show();
    ws->tabs()->setCurrentWidget(results);
    shoot(QStringLiteral("main-window"));
    m_window->close();
    m_window.reset();
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
