// The intermittent timeline and per-layer task table under a real (offscreen) GUI: from
// a LeNet report, and from an intermittent trial of a real study in a project file,
// simulated on a job.

#include "uitestutil.h"

#include "intermittentview.h"
#include "jobsdock.h"
#include "resultset.h"

#include "intermittent/report.h"
#include "model/recipes.h"
#include "policy/policies.h"
#include "study/studyrunner.h"
#include "study/studyspec.h"

#include <QJsonDocument>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace frontier;
using namespace frontier::ui;

class TestIntermittentView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::isolateSettings("tst_intermittentview"); }
    void fromReport();
    void fromStudyTrial();
    void fromComposedTrials();
};

void TestIntermittentView::fromReport()
{
    model::Model m = model::makeRecipe("lenet", {1, 28, 28}, 10);
    m.name = "lenet";
    intermittent::InferenceRequest r
        = intermittent::makeRequest(m, "lenet", "msp430fr5994", {"int8"});
    r.harvester = intermittent::Harvester::constant(2e-3);
    r.simOptions.timeline = true;
    IntermittentView view;
    view.resize(900, 700);
    view.setReport(intermittent::runInference(r));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // The searched configuration is shown first.
    QCOMPARE(view.configuration(), QStringLiteral("searched"));
    QVERIFY2(view.summary().contains(QStringLiteral("finishes in")), qPrintable(view.summary()));
    const intermittent::SimResult &s = view.report().find("searched")->sim;
    QCOMPARE(int64_t(view.chart()->failureMarks()), s.reboots);
    QCOMPARE(view.chart()->voltagePoints(), int(s.timeline.size()));
    QCOMPARE(view.layerTable()->rowCount(), 6);
    QCOMPARE(view.layerTable()->item(2, 0)->text(), QStringLiteral("conv2"));
    QCOMPARE(view.layerTable()->item(2, 3)->text(), QString::number(s.layers[2].tasks));
    // The naive configuration never finishes and says why.
    QVERIFY(view.showConfiguration(QStringLiteral("naive")));
    QVERIFY(view.summary().contains(QStringLiteral("never finishes")));
    QVERIFY(!view.showConfiguration(QStringLiteral("nonsense")));
    // The chart exports like every chart of the workbench.
    QTemporaryDir dir;
    QString error;
    QVERIFY2(view.chart()->exportPng(dir.filePath(QStringLiteral("t.png")), &error),
             qPrintable(error));
    QVERIFY(view.chart()->csv().contains(QStringLiteral("capacitor voltage")));
}

void TestIntermittentView::fromStudyTrial()
{
    QTemporaryDir dir;
    const QByteArray spec = R"({
        "schema": 1, "name": "iv",
        "dataset": {"name": "synth-digits", "seed": 1, "samples": 600},
        "models": [{"name": "lenet", "recipe": "lenet", "widths": [4, 8, 16], "epochs": 1}],
        "policies": [{"kind": "intermittent", "models": ["lenet"], "formats": ["int8"],
                      "harvesters": ["1mW"], "search": [true]}],
        "devices": ["msp430fr5994"]
    })";
    const std::string project = dir.filePath(QStringLiteral("iv.frontier")).toStdString();
    study::StudyRunner(project).run(study::parseStudySpec(spec, "iv.json"));
    const ResultSet set = ResultSet::load(project, "iv");
    QCOMPARE(set.results.rows(), 1);
    JobsDock jobs;
    std::unique_ptr<IntermittentView> view(
        IntermittentView::forTrial(&jobs, project, set.results.config(0)));
    QVERIFY(test::waitForJobs(&jobs));
    QVERIFY2(view->summary().contains(QStringLiteral("finishes in")), qPrintable(view->summary()));
    QCOMPARE(view->layerTable()->rowCount(), 6);
    QCOMPARE(view->report().harvester.description, std::string("1 mW"));
    QVERIFY(view->chart()->voltagePoints() > 10);
}

// ARI and EE trials on harvested power: one configuration per path a sample can take,
// the longest shown first, its table covering every stage's layers; shorter paths show a
// prefix of them and finish sooner.
void TestIntermittentView::fromComposedTrials()
{
    QTemporaryDir dir;
    const QByteArray spec = R"({
        "schema": 1, "name": "cv",
        "dataset": {"name": "synth-digits", "seed": 1, "samples": 600},
        "models": [{"name": "lenet", "recipe": "lenet", "widths": [4, 8, 16], "epochs": 1},
                   {"name": "ee", "recipe": "ee-cnn", "widths": [4, 8, 8, 16], "epochs": 1}],
        "policies": [
            {"kind": "ari", "models": ["lenet"], "reduced": ["int8"], "full": "q1.15",
             "taus": [0.1], "intermittent": {"harvesters": ["1mW"]}},
            {"kind": "ee", "models": ["ee"], "formats": ["int8"], "taus": [0.5],
             "intermittent": {"harvesters": ["1mW"]}}],
        "devices": ["msp430fr5994"]
    })";
    const std::string project = dir.filePath(QStringLiteral("cv.frontier")).toStdString();
    study::StudyRunner(project).run(study::parseStudySpec(spec, "cv.json"));
    const ResultSet set = ResultSet::load(project, "cv");
    QCOMPARE(set.results.rows(), 2);
    JobsDock jobs;
    for (int row = 0; row < 2; ++row) {
        const study::TrialConfig &t = set.results.config(row);
        const bool ari = t.kind == policy::PolicyKind::Ari;
        std::unique_ptr<IntermittentView> view(IntermittentView::forTrial(&jobs, project, t));
        QVERIFY(test::waitForJobs(&jobs));
        QVERIFY2(view->summary().contains(QStringLiteral("finishes in")),
                 qPrintable(view->summary()));
        const auto &configs = view->report().configurations;
        QCOMPARE(configs.size(), size_t(ari ? 2 : 3));
        QCOMPARE(view->configuration(),
                 ari ? QStringLiteral("int8, then q1.15") : QStringLiteral("exit at final"));
        // ARI: lenet's six layers twice, named by format; EE: the ten layers of three stages.
        QCOMPARE(view->layerTable()->rowCount(), ari ? 12 : 10);
        if (ari) {
            QCOMPARE(view->layerTable()->item(0, 0)->text(), QStringLiteral("int8/conv1"));
            QCOMPARE(view->layerTable()->item(6, 0)->text(), QStringLiteral("q1.15/conv1"));
        }
        const double longest = configs.back().sim.latency_s;
        QVERIFY(view->showConfiguration(ari ? QStringLiteral("int8 only")
                                            : QStringLiteral("exit at exit1")));
        QCOMPARE(view->layerTable()->rowCount(), ari ? 6 : 3);
        QVERIFY(configs.front().sim.latency_s < longest);
        QVERIFY(view->chart()->voltagePoints() > 2);
    }
}

QTEST_MAIN(TestIntermittentView)
#include "tst_intermittentview.moc"
