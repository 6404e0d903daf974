// The sorted τ sweep against per-τ evaluation: ThresholdSweep::at(τ) must equal, to the
// bit, setting τ on the cascade and calling evaluate(), and a brute-force loop over the
// samples for the plain two-tier ARI case; τ values include every distinct confidence
// (exact ties), values between them, and values outside [0, 1].

#include "common/error.h"
#include "policy/policies.h"
#include "policy/thresholdsweep.h"

#include "randomtiers.h"
#include "testutil.h"

#include <QtTest>

#include <algorithm>
#include <optional>

using namespace frontier;
using namespace frontier::policy;

namespace {

void compareExactly(const Metrics &a, const Metrics &b, double tau)
{
    const QByteArray at = "at tau " + QByteArray::number(tau, 'g', 17);
    QVERIFY2(a.samples == b.samples, at.constData());
    QVERIFY2(a.accuracy == b.accuracy, at.constData());
    QVERIFY2(a.fidelity == b.fidelity, at.constData());
    QVERIFY2(a.escalated == b.escalated, at.constData());
    QVERIFY2(a.offloaded == b.offloaded, at.constData());
    QVERIFY2(a.reached == b.reached, at.constData());
    QVERIFY2(a.answered == b.answered, at.constData());
    QVERIFY2(a.energy_pj == b.energy_pj, at.constData());
    QVERIFY2(a.energyP95_pj == b.energyP95_pj, at.constData());
    QVERIFY2(a.deviceEnergy_pj == b.deviceEnergy_pj, at.constData());
    QVERIFY2(a.deviceEnergyP95_pj == b.deviceEnergyP95_pj, at.constData());
    QVERIFY2(a.latency_us == b.latency_us, at.constData());
    QVERIFY2(a.latencyP95_us == b.latencyP95_us, at.constData());
    QVERIFY2(a.memory_bytes == b.memory_bytes, at.constData());
    QVERIFY2(a.energySaving == b.energySaving, at.constData());
    QVERIFY2(a.latencySaving == b.latencySaving, at.constData());
}

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalsPerTauEvaluation_data();
    void equalsPerTauEvaluation();
    void twoTierAriEqualsBruteForce();
    void tauGridAndErrors();
};

void TestSweep::equalsPerTauEvaluation_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("stage");
    QTest::addColumn<int>("seed");
    for (int seed : {1, 2, 3, 4}) {
        QTest::addRow("ari2/%d", seed) << "ari2" << 0 << seed;
        QTest::addRow("ari3-stage0/%d", seed) << "ari3" << 0 << seed;
        QTest::addRow("ari3-stage1/%d", seed) << "ari3" << 1 << seed;
        QTest::addRow("hi-lr/%d", seed) << "hi" << 0 << seed;
        QTest::addRow("ee-hi-head0/%d", seed) << "ee-hi" << 0 << seed;
        QTest::addRow("ee-hi-decision/%d", seed) << "ee-hi" << 1 << seed;
    }
}

void TestSweep::equalsPerTauEvaluation()
{
    QFETCH(QString, shape);
    QFETCH(int, stage);
    QFETCH(int, seed);
    Random r(uint64_t(seed) * 104729u);
    const int n = 300 + int(r.below(500));
    const int classes = 2 + int(r.below(8));
    const std::vector<int> labels = test::randomLabels(r, n, classes);
    auto tier = [&](const char *name, double skill, bool remote = false) {
        return Tier{name, test::randomTier(r, labels, classes, skill), test::randomCost(r, remote)};
    };
    std::optional<Cascade> cascade;
    if (shape == "ari2") {
        cascade = ariPolicy({tier("int4", 0.5), tier("fp32", 2.0)}, {0.2}, labels);
    } else if (shape == "ari3") {
        cascade = ariPolicy({tier("int2", 0.2), tier("int4", 1.0), tier("fp32", 2.0)},
                            {0.25, 0.125}, labels);
    } else if (shape == "hi") {
        const DecisionModule lr
            = DecisionModule::logistic(LogisticRegression(-4.63391351, 5.93658349, -3.04197074));
        cascade = hiPolicy(tier("local", 1.0), lr, tier("remote", 3.0, true), labels);
    } else {
        cascade
            = eeHiPolicy({tier("exit1", 0.5), tier("final", 1.5)}, {0.5},
                         DecisionModule::maxProbability(0.6), tier("remote", 3.0, true), labels);
    }

    // Every distinct confidence of the swept stage, the midpoints, and outliers.
    std::vector<double> taus = cascade->stage(stage).confidence;
    std::sort(taus.begin(), taus.end());
    taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
    const size_t distinct = taus.size();
    QVERIFY2(distinct < size_t(n), "the data should have ties");
    for (size_t k = 0; k + 1 < distinct; ++k)
        taus.push_back(0.5 * (taus[k] + taus[k + 1]));
    for (double t : {-1.0, 0.0, 1.0, 2.0, 1e300})
        taus.push_back(t);
    for (double t : tauGrid(0, 1, 101))
        taus.push_back(t);

    const ThresholdSweep sweeper(*cascade, stage);
    const std::vector<SweepPoint> curve = sweeper.run(taus);
    QCOMPARE(curve.size(), taus.size());
    Cascade probe = *cascade;
    for (size_t k = 0; k < taus.size(); ++k) {
        probe.setThreshold(stage, taus[k]);
        QCOMPARE(curve[k].tau, taus[k]);
        compareExactly(curve[k].metrics, probe.evaluate(), taus[k]);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestSweep::twoTierAriEqualsBruteForce()
{
    Random r(77);
    const int n = 2000, classes = 10;
    const std::vector<int> labels = test::randomLabels(r, n, classes);
    const Tier reduced{"int4", test::randomTier(r, labels, classes, 1.0, false), {100, 0, 5, 1000}};
    const Tier full{"fp32", test::randomTier(r, labels, classes, 2.5, false), {900, 0, 20, 8000}};
    const Cascade cascade = ariPolicy({reduced, full}, {0.0}, labels);
    const std::vector<double> taus = tauGrid(0, 1, 1000);
    const std::vector<SweepPoint> curve = sweep(cascade, taus);
    for (size_t k = 0; k < taus.size(); ++k) {
        int correct = 0, agree = 0, escalated = 0;
        for (int i = 0; i < n; ++i) {
            const bool up = double(reduced.outputs.margins[size_t(i)]) < taus[k];
            const int answer
                = up ? full.outputs.predictions[size_t(i)] : reduced.outputs.predictions[size_t(i)];
            correct += answer == labels[size_t(i)];
            agree += answer == full.outputs.predictions[size_t(i)];
            escalated += up;
        }
        const Metrics &m = curve[k].metrics;
        QCOMPARE(m.accuracy, double(correct) / n);
        QCOMPARE(m.fidelity, double(agree) / n);
        QCOMPARE(m.escalated, double(escalated) / n);
        // REFERENCE.md §1: E_ARI = E_reduced + f · E_full.
        FRONTIER_COMPARE_REL(m.energy_pj, 100.0 + double(escalated) / n * 900.0, 1e-12);
        FRONTIER_COMPARE_REL(m.energySaving, 1.0 - 100.0 / 900.0 - double(escalated) / n, 1e-12);
        QCOMPARE(m.memory_bytes, int64_t(9000));
    }
    // Escalation grows with τ; at τ = 0 nothing escalates, above every margin all does.
    QCOMPARE(curve.front().metrics.escalated, 0.0);
    for (size_t k = 1; k < curve.size(); ++k)
        QVERIFY(curve[k].metrics.escalated >= curve[k - 1].metrics.escalated);
    QCOMPARE(sweep(cascade, {1.5})[0].metrics.escalated, 1.0);
    QCOMPARE(sweep(cascade, {1.5})[0].metrics.fidelity, 1.0);
}

void TestSweep::tauGridAndErrors()
{
    const std::vector<double> g = tauGrid(0, 1, 5);
    QCOMPARE(g, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
    QCOMPARE(tauGrid(0.3, 1, 1), std::vector<double>{0.3});
    QVERIFY_THROWS_EXCEPTION(Error, tauGrid(0, 1, 0));
    Random r(1);
    const std::vector<int> labels = test::randomLabels(r, 20, 3);
    const Tier a{"a", test::randomTier(r, labels, 3, 1), {}};
    const Cascade c = ariPolicy({a, a}, {0.1}, labels);
    QVERIFY_THROWS_EXCEPTION(Error, ThresholdSweep(c, 1)); // the last stage has no τ
    QVERIFY_THROWS_EXCEPTION(Error, ThresholdSweep(c, -1));
    QVERIFY_THROWS_EXCEPTION(Error, ThresholdSweep(c).at(NAN));
}

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
