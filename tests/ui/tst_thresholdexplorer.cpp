// The threshold explorer: outputs computed by a job from a real trained model, then every
// slider position must show exactly what core/policy computes for that τ.

#include "chartview.h"
#include "explorerdata.h"
#include "explorersetup.h"
#include "mainwindow.h"
#include "marginhistogram.h"
#include "marginhistogramchart.h"
#include "thresholdexplorer.h"
#include "uitestutil.h"
#include "units.h"
#include "workspace.h"

#include "policy/decisionrule.h"
#include "policy/thresholdrule.h"
#include "policy/thresholdsweep.h"

#include <QChart>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QScatterSeries>
#include <QSlider>
#include <QTemporaryDir>

using namespace frontier;

class TestThresholdExplorer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sliderShowsCoreMetrics_data();
    void sliderShowsCoreMetrics();
    void threeTierCascadeHasTwoSliders();
    void histogramSplitsReachingSamples();
    void changedConfigurationClearsTheCurve();
    void markersStayReadable();
    void chartsExport();

private:
    ui::ThresholdExplorer *compute(ui::MainWindow &window, const ui::ExplorerRequest &request);

    QTemporaryDir m_dir;
    QString m_model;
};

namespace {

// A plugin's decision rule, registered as the plugin loader would: the squared max
// probability, so that its confidences are known.
class SquaredMaxRule : public policy::DecisionRule
{
    class Fitted : public policy::FittedDecision
    {
    public:
        double confidence(const float *scores, int classes) const override
        {
            double best = 0;
            for (int c = 0; c < classes; ++c)
                best = std::max(best, double(scores[c]));
            return best * best;
        }
        std::string describe() const override { return "p1 squared"; }
    };

public:
    std::string name() const override { return "squaredmax"; }
    std::string description() const override { return "max probability, squared"; }
    std::shared_ptr<const policy::FittedDecision> fit(const std::vector<float> &, int,
                                                      const std::vector<int> &) const override
    {
        return std::make_shared<Fitted>();
    }
};

} // namespace

void TestThresholdExplorer::initTestCase()
{
    policy::DecisionRuleRegistry::instance().add(std::make_shared<SquaredMaxRule>(), "test-plugin");
    test::isolateSettings("tst_thresholdexplorer");
    QVERIFY(m_dir.isValid());
    m_model = test::trainModel(m_dir.path(), "optdigits", "mlp", 3, "optdigits-mlp");
}

ui::ThresholdExplorer *TestThresholdExplorer::compute(ui::MainWindow &window,
                                                      const ui::ExplorerRequest &request)
{
    ui::ThresholdExplorer *explorer = window.workspace()->openExplorer(m_model);
    explorer->setup()->setRequest(request);
    explorer->setup()->findChild<QPushButton *>(QStringLiteral("explorerCompute"))->click();
    if (!test::waitForJobs(window.jobsDock()))
        return nullptr;
    return explorer->data() ? explorer : nullptr;
}

void TestThresholdExplorer::sliderShowsCoreMetrics_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("decision");
    const int ari = int(ui::ExplorerRequest::Policy::Ari);
    const int hi = int(ui::ExplorerRequest::Policy::Hi);
    QTest::newRow("ari int4 → fp32") << ari << "int4"
                                     << "margin";
    QTest::newRow("ari int2 → fp32") << ari << "int2"
                                     << "margin";
    QTest::newRow("hi int8, ideal remote") << hi << "int8"
                                           << "margin";
    QTest::newRow("hi int4, logistic regression") << hi << "int4"
                                                  << "lr";
    QTest::newRow("hi int4, a plugin's rule") << hi << "int4"
                                              << "squaredmax";
}

void TestThresholdExplorer::sliderShowsCoreMetrics()
{
    QFETCH(int, policy);
    QFETCH(QString, format);
    QFETCH(QString, decision);
    ui::MainWindow window;
    window.resize(1280, 800);
    window.openProject(m_dir.path());
    window.show();
    ui::ExplorerRequest request;
    request.policy = ui::ExplorerRequest::Policy(policy);
    request.modelPath = m_model.toStdString();
    request.formats = {format.toStdString()};
    request.decision = decision.toStdString();
    request.device = "asic45";
    request.link = "wifi";
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    const ui::ExplorerData &data = *explorer->data();
    if (request.policy == ui::ExplorerRequest::Policy::Hi) {
        // The setup offers every decision module, the plugins' too, and the one chosen is
        // fitted on the calibration split.
        auto *box = explorer->setup()->findChild<QComboBox *>(QStringLiteral("explorerDecision"));
        QVERIFY(box);
        for (const char *name : {"margin", "maxprob", "entropy", "lr", "squaredmax"})
            QVERIFY2(box->findData(QString::fromLatin1(name)) >= 0, name);
        QCOMPARE(box->currentData().toString(), decision);
        QVERIFY(data.hiDecision);
        QCOMPARE(QString::fromStdString(data.hiDecision->name()), decision);
        const policy::TierOutputs &cal = data.calibration[0];
        const std::vector<double> got = data.hiDecision->confidence(cal, data.calibrationLabels);
        if (decision == QLatin1String("lr")) {
            const policy::DecisionModule want
                = policy::DecisionModule::fitLogistic(cal, data.calibrationLabels);
            QVERIFY(got == want.confidence(cal, data.calibrationLabels));
            QVERIFY(QString::fromStdString(data.confidenceName()).contains("logistic"));
        } else if (decision == QLatin1String("squaredmax")) {
            for (size_t i = 0; i < got.size(); i += 97) {
                double p1 = 0;
                for (int c = 0; c < cal.classes; ++c)
                    p1 = std::max(p1, double(cal.scores[i * size_t(cal.classes) + size_t(c)]));
                QCOMPARE(got[i], p1 * p1);
            }
            QVERIFY(QString::fromStdString(data.confidenceName()).contains("p1 squared"));
        }
    }
    QCOMPARE(int(data.testLabels.size()), 1797); // optdigits' test file
    QCOMPARE(explorer->sliderCount(), 1);
    QCOMPARE(explorer->curvePointCount(), 501);

    for (double tau : {0.0, 0.05, 0.2, 0.437, 0.8, 1.0}) {
        QTest::mouseClick(explorer->slider(0), Qt::LeftButton); // focus, as a user would
        explorer->slider(0)->setValue(int(std::lround(tau * 1000)));
        const double shown = explorer->taus()[0];
        QCOMPARE(shown, std::lround(tau * 1000) / 1000.0);
        // The core's numbers for this τ: a fresh cascade, evaluated directly and swept.
        policy::Cascade cascade = data.cascade({shown});
        const policy::Metrics direct = cascade.evaluate();
        const policy::Metrics swept = policy::ThresholdSweep(cascade, 0).at(shown);
        const policy::Metrics &m = explorer->shownMetrics();
        QCOMPARE(m.accuracy, direct.accuracy);
        QCOMPARE(m.fidelity, direct.fidelity);
        QCOMPARE(m.escalated, direct.escalated);
        QCOMPARE(m.energy_pj, direct.energy_pj);
        QCOMPARE(m.energySaving, swept.energySaving);
        QCOMPARE(m.offloaded, swept.offloaded);
        // And the labels say so.
        QCOMPARE(explorer->metricText(QStringLiteral("accuracy")),
                 ui::Units::percent(direct.accuracy));
        QCOMPARE(explorer->metricText(QStringLiteral("fidelity")),
                 ui::Units::percent(direct.fidelity));
        QCOMPARE(explorer->metricText(QStringLiteral("escalated")),
                 ui::Units::percent(direct.escalated));
        QCOMPARE(explorer->metricText(QStringLiteral("energy")),
                 ui::Units::energy(direct.energy_pj));
    }
    // Escalating everything costs more than escalating nothing.
    explorer->setTau(0, 0.0);
    const double cheap = explorer->shownMetrics().energy_pj;
    explorer->setTau(0, 1.0);
    QVERIFY(explorer->shownMetrics().energy_pj > cheap);

    // The threshold rules' inputs are live for ARI only; elsewhere the box says why.
    const bool ari = request.policy == ui::ExplorerRequest::Policy::Ari;
    auto *pdfQ = explorer->findChild<QDoubleSpinBox *>(QStringLiteral("rulePdfQ"));
    auto *fidelity = explorer->findChild<QDoubleSpinBox *>(QStringLiteral("ruleFidelity"));
    auto *rulesLabel = explorer->findChild<QLabel *>(QStringLiteral("rulesLabel"));
    QVERIFY(pdfQ && fidelity && rulesLabel);
    QCOMPARE(pdfQ->isEnabled(), ari);
    QCOMPARE(fidelity->isEnabled(), ari);
    QCOMPARE(rulesLabel->text().startsWith(QStringLiteral("No rule applies")), !ari);

    if (ari) {
        // The rules' τ are the core's, on the calibration split.
        QCOMPARE(int(explorer->rules().size()), 3);
        const policy::TierOutputs &cal = data.calibration[0];
        const double m = policy::ThresholdRule::maxMismatch().resolve(
            cal.margins, cal.predictions, data.fullCalibrationPredictions);
        QCOMPARE(explorer->rules()[0].second, m);
        QCOMPARE(QString::fromStdString(explorer->rules()[0].first), QStringLiteral("M"));
    }
}

void TestThresholdExplorer::threeTierCascadeHasTwoSliders()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ExplorerRequest request;
    request.policy = ui::ExplorerRequest::Policy::Ari;
    request.modelPath = m_model.toStdString();
    request.formats = {"int2", "int4"};
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    QCOMPARE(explorer->sliderCount(), 2);
    explorer->setTau(0, 0.3);
    QCOMPARE(explorer->activeStage(), 0);
    explorer->setTau(1, 0.6);
    QCOMPARE(explorer->activeStage(), 1);
    policy::Cascade cascade = explorer->data()->cascade({0.3, 0.6});
    const policy::Metrics want = cascade.evaluate();
    QCOMPARE(explorer->shownMetrics().accuracy, want.accuracy);
    QCOMPARE(explorer->shownMetrics().energy_pj, want.energy_pj);
    QCOMPARE(explorer->shownMetrics().reached, want.reached);
    // Back on the first slider: still the whole cascade's numbers.
    explorer->setTau(0, 0.1);
    QCOMPARE(explorer->activeStage(), 0);
    QCOMPARE(explorer->shownMetrics().accuracy,
             explorer->data()->cascade({0.1, 0.6}).evaluate().accuracy);
}

void TestThresholdExplorer::histogramSplitsReachingSamples()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ExplorerRequest request;
    request.modelPath = m_model.toStdString();
    request.formats = {"int2"};
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    const policy::Cascade cascade = explorer->data()->cascade({0.5});
    const ui::MarginHistogram hist(cascade, 0);
    QCOMPARE(hist.reaching(), cascade.size());
    for (double tau : {0.0, 0.25, 0.5, 1.0}) {
        const ui::MarginHistogram::Counts c = hist.at(tau);
        int kept = 0, escalated = 0, flipped = 0;
        for (int b = 0; b < hist.bins(); ++b) {
            kept += c.kept[size_t(b)];
            escalated += c.escalated[size_t(b)];
            flipped += c.flipped[size_t(b)];
        }
        QCOMPARE(kept + escalated + flipped, cascade.size());
        // Brute force over the samples.
        int wantKept = 0, wantFlipped = 0;
        for (int i = 0; i < cascade.size(); ++i) {
            const bool keep = cascade.stage(0).confidence[size_t(i)] >= tau;
            wantKept += keep;
            wantFlipped += !keep
                           && cascade.stage(0).predictions[size_t(i)]
                                  != cascade.stage(1).predictions[size_t(i)];
        }
        QCOMPARE(kept, wantKept);
        QCOMPARE(flipped, wantFlipped);
    }
}

void TestThresholdExplorer::changedConfigurationClearsTheCurve()
{
    ui::MainWindow window;
    window.openProject(m_dir.path());
    ui::ExplorerRequest request;
    request.modelPath = m_model.toStdString();
    request.formats = {"int4"};
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    QVERIFY(!explorer->isStale());
    // The same request again changes nothing.
    explorer->setup()->setRequest(request);
    QVERIFY(!explorer->isStale());
    QCOMPARE(explorer->curvePointCount(), 501);

    // Other tiers: the int4 curve and numbers must not stay up as if they were theirs.
    request.formats = {"int2", "int4"};
    explorer->setup()->setRequest(request);
    QVERIFY(explorer->isStale());
    QVERIFY(!explorer->data());
    QCOMPARE(explorer->curvePointCount(), 0);
    QCOMPARE(explorer->currentMarker()->count(), 0);
    QVERIFY(explorer->ruleMarkers().empty());
    QCOMPARE(explorer->sliderCount(), 0);
    QVERIFY(!explorer->histogramChart()->histogram());
    for (const QString &metric :
         {QStringLiteral("accuracy"), QStringLiteral("energy"), QStringLiteral("escalated")})
        QCOMPARE(explorer->metricText(metric), QStringLiteral("–"));
    // Computed again: the new configuration's curve, two sliders.
    explorer->setup()->findChild<QPushButton *>(QStringLiteral("explorerCompute"))->click();
    QVERIFY(test::waitForJobs(window.jobsDock()));
    QVERIFY(!explorer->isStale());
    QCOMPARE(explorer->sliderCount(), 2);
    QCOMPARE(explorer->curvePointCount(), 501);
    QVERIFY(explorer->metricText(QStringLiteral("accuracy")) != QStringLiteral("–"));

    // Another policy.
    request.policy = ui::ExplorerRequest::Policy::Hi;
    request.formats = {"int8"};
    explorer->setup()->setRequest(request);
    QVERIFY(explorer->isStale());
    QCOMPARE(explorer->curvePointCount(), 0);
}

void TestThresholdExplorer::markersStayReadable()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.openProject(m_dir.path());
    window.show();
    ui::ExplorerRequest request;
    request.modelPath = m_model.toStdString();
    request.formats = {"int4"};
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    const std::vector<QScatterSeries *> &markers = explorer->ruleMarkers();
    QCOMPARE(markers.size(), explorer->rules().size());
    QCOMPARE(int(markers.size()), 3); // M, PDF q, fidelity >= x
    // Every rule is named in exactly one label on the chart (rules at the same point share
    // one), and the markers shrink from rule to rule so coinciding ones nest.
    QStringList labelled;
    for (QScatterSeries *s : markers) {
        if (s->pointLabelsVisible())
            labelled << s->pointLabelsFormat().split(QStringLiteral(" = "));
    }
    QStringList names;
    for (const auto &rule : explorer->rules())
        names << QString::fromStdString(rule.first);
    labelled.sort();
    names.sort();
    QCOMPARE(labelled, names);
    for (size_t r = 1; r < markers.size(); ++r)
        QVERIFY(markers[r]->markerSize() < markers[r - 1]->markerSize());
    // The current τ is a ring around the others, drawn on top of them.
    QScatterSeries *current = explorer->currentMarker();
    QCOMPARE(current->brush().style(), Qt::NoBrush);
    QVERIFY(current->markerSize() > markers.front()->markerSize());
    QCOMPARE(explorer->curveChart()->chart()->series().last(), current);
    // On a rule's τ, the ring and that rule's marker are at one point, both drawn.
    explorer->setTau(0, explorer->rules()[0].second);
    QCOMPARE(current->count(), 1);
    QCOMPARE(markers.front()->count(), 1);
    QCOMPARE(explorer->curveChart()->chart()->series().last(), current);
}

void TestThresholdExplorer::chartsExport()
{
    ui::MainWindow window;
    window.resize(1280, 800);
    window.openProject(m_dir.path());
    window.show();
    ui::ExplorerRequest request;
    request.modelPath = m_model.toStdString();
    ui::ThresholdExplorer *explorer = compute(window, request);
    QVERIFY(explorer);
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (ui::ChartView *chart :
         {explorer->curveChart(), static_cast<ui::ChartView *>(explorer->histogramChart())}) {
        QString error;
        const QString base = m_dir.filePath(chart->exportName());
        QVERIFY2(chart->exportPng(base + QStringLiteral(".png"), &error), qPrintable(error));
        QVERIFY2(chart->exportSvg(base + QStringLiteral(".svg"), &error), qPrintable(error));
        QVERIFY2(chart->exportCsv(base + QStringLiteral(".csv"), &error), qPrintable(error));
        QImage png(base + QStringLiteral(".png"));
        QCOMPARE(png.size(), chart->size() * 2);
        QFile svg(base + QStringLiteral(".svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QFile csv(base + QStringLiteral(".csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readAll().count('\n') > 10);
    }
    QString error;
    QVERIFY(!explorer->curveChart()->exportPng(QStringLiteral("/nonexistent/dir/x.png"), &error));
    QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/x.png")));
}

QTEST_MAIN(TestThresholdExplorer)
#include "tst_thresholdexplorer.moc"
