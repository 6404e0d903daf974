// Threshold rules on hand-made margin sets, the decision modules, and the logistic
// regression: REFERENCE.md §2's worked check and the properties of the fit.

#include "common/error.h"
#include "policy/policies.h"
#include "policy/thresholdrule.h"

#include "randomtiers.h"
#include "testutil.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace frontier;
using namespace frontier::policy;

namespace {

const LogisticRegression kResNet8Int8(-4.63391351, 5.93658349, -3.04197074);

double above(float v)
{
    return std::nextafter(double(v), std::numeric_limits<double>::infinity());
}

} // namespace

class TestDecisions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thresholdRules_data();
    void thresholdRules();
    void fidelityRuleReachesTheTarget();
    void noMismatchGivesZero();
    void parseRules_data();
    void parseRules();
    void badRules();
    void ariThresholdsPerTier();
    void logisticWorkedCheck();
    void logisticFitIsTheOptimum();
    void logisticFitEdgeCases();
    void decisionModules();
    void oracleOffloadsExactlyTheErrors();
};

// margins 0.05 .. 0.70; the reduced and full answers differ at 0.10, 0.30 and 0.50.
static const std::vector<float> kMargins{0.05f, 0.10f, 0.30f, 0.20f, 0.50f, 0.70f};
static const std::vector<int> kReduced{1, 2, 3, 4, 5, 6};
static const std::vector<int> kFull{1, 9, 9, 4, 9, 6};

void TestDecisions::thresholdRules_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<double>("tau");
    QTest::newRow("value") << "0.25" << 0.25;
    // M and PDF name the largest margin that escalates; τ is the next double above it.
    QTest::newRow("M") << "M" << above(0.50f);
    // min 0.1, mean 0.3: τ = 0.1 - 0.2 ln(1 - q)
    QTest::newRow("PDF 0.5") << "PDF 0.5"
                             << std::nextafter(
                                    double(0.10f)
                                        - ((double(0.10f) + double(0.30f) + double(0.50f)) / 3
                                           - double(0.10f))
                                              * std::log(0.5),
                                    INFINITY);
    QTest::newRow("PDF 0.99 capped") << "PDF 0.99" << 1.0;
    // Fidelity when the k smallest margins escalate: 3/6, 3/6, 4/6, 4/6, 5/6, 6/6, 6/6.
    QTest::newRow("fidelity>=0.5") << "fidelity>=0.5" << 0.0;
    QTest::newRow("fidelity>=0.6") << "fidelity>=0.6" << above(0.10f);
    QTest::newRow("fidelity>=0.8") << "fidelity>=0.8" << above(0.30f);
    QTest::newRow("fidelity>=1") << "fidelity>=1" << above(0.50f);
}

void TestDecisions::thresholdRules()
{
    QFETCH(QString, rule);
    QFETCH(double, tau);
    const double got = ThresholdRule::parse(rule.toStdString()).resolve(kMargins, kReduced, kFull);
    FRONTIER_COMPARE_REL(got, tau, 1e-15);
}

void TestDecisions::fidelityRuleReachesTheTarget()
{
    // On random calibration data: at the chosen τ the cascade reaches the share, and at
    // any smaller τ that changes the outcome it does not.
    for (int seed = 1; seed <= 5; ++seed) {
        Random r{uint64_t(seed)};
        const std::vector<int> labels = test::randomLabels(r, 500, 5);
        const Tier reduced{"r", test::randomTier(r, labels, 5, 0.8), {1, 0, 1, 0}};
        const Tier full{"f", test::randomTier(r, labels, 5, 2.0), {10, 0, 10, 0}};
        for (double x : {0.7, 0.8, 0.9, 0.95, 0.99, 1.0}) {
            const double tau = ThresholdRule::fidelity(x).resolve(
                reduced.outputs.margins, reduced.outputs.predictions, full.outputs.predictions);
            const double fid = ariPolicy({reduced, full}, {tau}, labels).evaluate().fidelity;
            QVERIFY2(fid >= x, qPrintable(QStringLiteral("x %1 fid %2").arg(x).arg(fid)));
            if (tau > 0) {
                const double below = std::nextafter(tau, -1.0);
                const double fidBelow
                    = ariPolicy({reduced, full}, {below}, labels).evaluate().fidelity;
                QVERIFY2(fidBelow < x, qPrintable(QStringLiteral("x %1").arg(x)));
            }
        }
    }
}

void TestDecisions::noMismatchGivesZero()
{
    const std::vector<int> same{1, 2, 3};
    const std::vector<float> m{0.1f, 0.4f, 0.9f};
    QCOMPARE(ThresholdRule::maxMismatch().resolve(m, same, same), 0.0);
    QCOMPARE(ThresholdRule::pdf(0.999).resolve(m, same, same), 0.0);
    QCOMPARE(ThresholdRule::fidelity(1.0).resolve(m, same, same), 0.0);
    QCOMPARE(ThresholdRule::maxMismatch().resolve({}, {}, {}), 0.0);
}

void TestDecisions::parseRules_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("M") << "M"
                       << "M";
    QTest::newRow("m") << " m "
                       << "M";
    QTest::newRow("PDF space") << "PDF 0.99"
                               << "PDF 0.99";
    QTest::newRow("pdf colon") << "pdf:0.999"
                               << "PDF 0.999";
    QTest::newRow("PDF percent") << "PDF 99%"
                                 << "PDF 0.99";
    QTest::newRow("fidelity") << "fidelity >= 0.995"
                              << "fidelity>=0.995";
    QTest::newRow("value") << "0.25"
                           << "0.25";
    QTest::newRow("value 0") << "0"
                             << "0";
}

void TestDecisions::parseRules()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const ThresholdRule rule = ThresholdRule::parse(text.toStdString());
    QCOMPARE(QString::fromStdString(rule.toString()), canonical);
    const ThresholdRule again = ThresholdRule::parse(rule.toString());
    QVERIFY(again.kind() == rule.kind());
    QCOMPARE(again.parameter(), rule.parameter());
}

void TestDecisions::badRules()
{
    for (const char *bad :
         {"", "PDF", "PDF 1.5", "PDF 0", "fidelity>=2", "fidelity>", "abc", "0.3x", "nan", "inf"}) {
        try {
            ThresholdRule::parse(bad);
            QFAIL(qPrintable(QStringLiteral("'%1' was accepted").arg(QLatin1String(bad))));
        } catch (const Error &e) {
            QVERIFY(std::string(e.what()).rfind("threshold rule: ", 0) == 0);
        }
    }
    QVERIFY_THROWS_EXCEPTION(Error, ThresholdRule::maxMismatch().resolve({0.1f}, {1, 2}, {1}));
}

void TestDecisions::ariThresholdsPerTier()
{
    // Three tiers: each reduced tier's rule is resolved against the last (full) tier.
    TierOutputs t0 = TierOutputs::fromPredictions({0, 1, 2, 3}, {0.1f, 0.2f, 0.3f, 0.4f});
    TierOutputs t1 = TierOutputs::fromPredictions({0, 0, 2, 2}, {0.5f, 0.6f, 0.7f, 0.8f});
    TierOutputs full = TierOutputs::fromPredictions({0, 0, 2, 3}, {1, 1, 1, 1});
    const std::vector<double> taus
        = resolveAriThresholds({ThresholdRule::maxMismatch()}, {t0, t1, full});
    QCOMPARE(taus, (std::vector<double>{above(0.2f), above(0.8f)}));
    const std::vector<double> mixed = resolveAriThresholds(
        {ThresholdRule::value(0.05), ThresholdRule::maxMismatch()}, {t0, t1, full});
    QCOMPARE(mixed, (std::vector<double>{0.05, above(0.8f)}));
    QVERIFY_THROWS_EXCEPTION(Error, resolveAriThresholds({ThresholdRule::maxMismatch()}, {t0}));
    QVERIFY_THROWS_EXCEPTION(
        Error, resolveAriThresholds({ThresholdRule::maxMismatch(), ThresholdRule::maxMismatch(),
                                     ThresholdRule::maxMismatch()},
                                    {t0, t1, full}));
}

void TestDecisions::logisticWorkedCheck()
{
    // REFERENCE.md §2, ResNet-8 int8.
    FRONTIER_COMPARE_REL(kResNet8Int8.logit(0.80, 0.10), -0.189, 1e-3);
    FRONTIER_COMPARE_REL(kResNet8Int8.logit(0.90, 0.05), 0.557, 1e-3);
    QVERIFY(!kResNet8Int8.accepts(0.80, 0.10));
    QVERIFY(kResNet8Int8.accepts(0.90, 0.05));

    // The same through HI: sample 0 offloaded, sample 1 answered locally.
    const TierOutputs local
        = TierOutputs::fromScores({0.80f, 0.10f, 0.10f, 0.05f, 0.90f, 0.05f}, 3);
    const Tier device{"resnet8-int8", local, {100, 0, 10, 1000}};
    const Tier remote{"vit", TierOutputs::fromPredictions({2, 2}, {1, 1}), {50, 9000, 80, 0}};
    const Cascade hi
        = hiPolicy(device, DecisionModule::logistic(kResNet8Int8), remote, std::vector<int>{2, 1});
    QCOMPARE(hi.stopStages(), (std::vector<int>{1, 0}));
    const Metrics m = hi.evaluate();
    QCOMPARE(m.offloaded, 0.5);
    QCOMPARE(m.accuracy, 1.0);
    QCOMPARE(m.deviceEnergy_pj, 125.0);
    QCOMPARE(m.energy_pj, 4625.0);
    QCOMPARE(m.latencyP95_us, 90.0);
    QCOMPARE(m.memory_bytes, int64_t(1000));
}

void TestDecisions::logisticFitIsTheOptimum()
{
    // Samples drawn from a known model; the fit must be a stationary point of the
    // penalised log-likelihood, close to the truth, and the same bits every time.
    Random r(2024);
    const int n = 20000;
    std::vector<double> p1(n), p2(n);
    std::vector<uint8_t> y(n);
    const LogisticRegression truth(-4.6, 5.9, -3.0);
    for (int i = 0; i < n; ++i) {
        p1[size_t(i)] = r.uniform(0.3, 1.0);
        p2[size_t(i)] = r.uniform(0.0, 1.0 - p1[size_t(i)]);
        y[size_t(i)] = r.uniform() < truth.probability(p1[size_t(i)], p2[size_t(i)]) ? 1 : 0;
    }
    LogisticRegression::FitReport report;
    const LogisticRegression fit = LogisticRegression::fit(p1, p2, y, 1e-4, 100, &report);
    QVERIFY(report.converged);
    QVERIFY2(report.iterations < 30, qPrintable(QString::number(report.iterations)));
    double g[3] = {-1e-4 * fit.beta(), -1e-4 * fit.w1(), -1e-4 * fit.w2()};
    for (int i = 0; i < n; ++i) {
        const double res = y[size_t(i)] - fit.probability(p1[size_t(i)], p2[size_t(i)]);
        g[0] += res;
        g[1] += res * p1[size_t(i)];
        g[2] += res * p2[size_t(i)];
    }
    for (double gi : g)
        QVERIFY2(std::abs(gi) < 1e-7 * n, qPrintable(QString::number(gi)));
    QVERIFY(std::abs(fit.beta() - truth.beta()) < 0.5);
    QVERIFY(std::abs(fit.w1() - truth.w1()) < 0.7);
    QVERIFY(std::abs(fit.w2() - truth.w2()) < 1.0);
    const LogisticRegression again = LogisticRegression::fit(p1, p2, y);
    QCOMPARE(again.beta(), fit.beta());
    QCOMPARE(again.w1(), fit.w1());
    QCOMPARE(again.w2(), fit.w2());
}

void TestDecisions::logisticFitEdgeCases()
{
    // Separable: right exactly when p1 > 0.6. Coefficients stay finite and separate.
    std::vector<double> p1, p2;
    std::vector<uint8_t> y;
    for (int i = 0; i < 200; ++i) {
        const double a = 0.3 + 0.7 * i / 199.0;
        p1.push_back(a);
        p2.push_back((1 - a) / 2);
        y.push_back(a > 0.6 ? 1 : 0);
    }
    const LogisticRegression sep = LogisticRegression::fit(p1, p2, y);
    QVERIFY(std::isfinite(sep.beta()) && std::isfinite(sep.w1()) && std::isfinite(sep.w2()));
    for (size_t i = 0; i < y.size(); ++i)
        QCOMPARE(sep.accepts(p1[i], p2[i]), bool(y[i]));
    // One class only: every sample right -> accept everything, finitely.
    const LogisticRegression all = LogisticRegression::fit(p1, p2, std::vector<uint8_t>(200, 1));
    QVERIFY(std::isfinite(all.beta()));
    for (size_t i = 0; i < y.size(); ++i)
        QVERIFY(all.accepts(p1[i], p2[i]));
    QVERIFY_THROWS_EXCEPTION(Error, LogisticRegression::fit({}, {}, {}));
    QVERIFY_THROWS_EXCEPTION(Error, LogisticRegression::fit({0.5}, {0.1, 0.2}, {1}));
    QVERIFY_THROWS_EXCEPTION(Error, LogisticRegression::fit({NAN}, {0.1}, {1}));

    // fitLogistic on a tier: features (p1, p2), target "prediction == label".
    Random r(5);
    const std::vector<int> labels = test::randomLabels(r, 3000, 4);
    const TierOutputs cal = test::randomTier(r, labels, 4, 1.0);
    const DecisionModule module = DecisionModule::fitLogistic(cal, labels);
    std::vector<double> a, b;
    std::vector<uint8_t> right;
    for (int i = 0; i < cal.size(); ++i) {
        a.push_back(cal.topTwo(i).first);
        b.push_back(cal.topTwo(i).second);
        right.push_back(cal.predictions[size_t(i)] == labels[size_t(i)]);
    }
    const LogisticRegression direct = LogisticRegression::fit(a, b, right);
    QCOMPARE(module.logisticModel().w1(), direct.w1());
    QVERIFY(module.logisticModel().w1() > 0); // more confident -> more often right
    QCOMPARE(module.threshold(), 0.5);
}

void TestDecisions::decisionModules()
{
    const TierOutputs t = TierOutputs::fromScores({0.6f, 0.3f, 0.1f, 0.4f, 0.35f, 0.25f}, 3);
    const std::vector<int> labels{0, 2};
    const std::vector<double> mp = DecisionModule::maxProbability(0.5).confidence(t, labels);
    QCOMPARE(mp, (std::vector<double>{double(0.6f), double(0.4f)}));
    const std::vector<double> mg = DecisionModule::margin(0.5).confidence(t, labels);
    QCOMPARE(mg, (std::vector<double>{double(0.6f - 0.3f), double(0.4f - 0.35f)}));
    const std::vector<double> en = DecisionModule::entropy(0.5).confidence(t, labels);
    QVERIFY(en[0] > en[1]);
    const std::vector<double> orc = DecisionModule::oracle().confidence(t, labels);
    QCOMPARE(orc, (std::vector<double>{1.0, 0.0}));
    QVERIFY(DecisionModule::kindFromName("LR") == DecisionModule::Kind::Logistic);
    QCOMPARE(DecisionModule::nameOf(DecisionModule::kindFromName("maxprob")),
             std::string("maxprob"));
    QVERIFY_THROWS_EXCEPTION(Error, DecisionModule::kindFromName("svm"));
    QCOMPARE(DecisionModule::margin(0.1).withThreshold(0.3).threshold(), 0.3);
}

void TestDecisions::oracleOffloadsExactlyTheErrors()
{
    Random r(8);
    const std::vector<int> labels = test::randomLabels(r, 1000, 10);
    const Tier local{"local", test::randomTier(r, labels, 10, 1.0), {10, 0, 1, 100}};
    const Tier remote{"remote",
                      TierOutputs::fromPredictions(labels, std::vector<float>(1000, 1)),
                      {5, 100, 50, 0}};
    const Cascade hi = hiPolicy(local, DecisionModule::oracle(), remote, labels);
    const std::vector<int> stops = hi.stopStages();
    int errors = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const bool wrong = local.outputs.predictions[i] != labels[i];
        errors += wrong;
        QCOMPARE(stops[i], wrong ? 1 : 0);
    }
    const Metrics m = hi.evaluate();
    QCOMPARE(m.accuracy, 1.0);
    QCOMPARE(m.offloaded, errors / 1000.0);
    QVERIFY(errors > 100 && errors < 900);
}

QTEST_GUILESS_MAIN(TestDecisions)
#include "tst_decisions.moc"
