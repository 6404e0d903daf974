// The tempscale plugin: the temperature fit recovers a known temperature, the scaled
// confidence behaves, and HI studies use the module from the build's plugin folder.

#include "tempscale.h"

#include "pluginrun.h"
#include "testutil.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>
#include <cstdint>

using namespace frontier;

namespace {

using test::frontierRun;
using test::Run;

// Softmax scores of random logits, with labels drawn from softmax(logits / trueT): a
// model whose probabilities need temperature trueT to be calibrated.
void synthetic(double trueT, int n, int classes, std::vector<float> &scores,
               std::vector<int> &labels)
{
    uint64_t state = 0x9e3779b97f4a7c15ull;
    auto uniform = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (double(state >> 11) + 0.5) / 9007199254740992.0;
    };
    scores.assign(size_t(n) * size_t(classes), 0.0f);
    labels.assign(size_t(n), 0);
    std::vector<double> z(static_cast<size_t>(classes));
    for (int i = 0; i < n; ++i) {
        for (double &v : z)
            v = 3.0 * std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
        double top = *std::max_element(z.begin(), z.end());
        double sum = 0, sumT = 0;
        for (double v : z) {
            sum += std::exp(v - top);
            sumT += std::exp((v - top) / trueT);
        }
        const double u = uniform() * sumT;
        double acc = 0;
        int label = -1;
        for (int j = 0; j < classes; ++j) {
            scores[size_t(i) * size_t(classes) + size_t(j)]
                = float(std::exp(z[size_t(j)] - top) / sum);
            acc += std::exp((z[size_t(j)] - top) / trueT);
            if (label < 0 && acc >= u)
                label = j;
        }
        if (label < 0)
            label = classes - 1;
        labels[size_t(i)] = label;
    }
}

} // namespace

class TestTempScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fitRecoversTheTemperature_data();
    void fitRecoversTheTemperature();
    void scaledConfidence();
    void badCalibration();
    void hiStudyUsesTheModule();
};

void TestTempScale::fitRecoversTheTemperature_data()
{
    QTest::addColumn<double>("trueT");
    QTest::newRow("calibrated") << 1.0;
    QTest::newRow("overconfident") << 2.5;
    QTest::newRow("underconfident") << 0.5;
}

void TestTempScale::fitRecoversTheTemperature()
{
    QFETCH(double, trueT);
    std::vector<float> scores;
    std::vector<int> labels;
    synthetic(trueT, 20000, 10, scores, labels);
    const double t = tempscale::fitTemperature(scores, 10, labels);
    QVERIFY2(std::abs(t / trueT - 1) < 0.06,
             qPrintable(QStringLiteral("fitted %1 for %2").arg(t).arg(trueT)));
    // The fit is a minimum of the NLL.
    const double at = tempscale::meanNll(scores, 10, labels, t);
    QVERIFY(at <= tempscale::meanNll(scores, 10, labels, t * 1.1));
    QVERIFY(at <= tempscale::meanNll(scores, 10, labels, t / 1.1));
    // Deterministic.
    QCOMPARE(tempscale::fitTemperature(scores, 10, labels), t);
}

void TestTempScale::scaledConfidence()
{
    const float p[4] = {0.7f, 0.2f, 0.05f, 0.05f};
    QVERIFY(std::abs(tempscale::scaledMaxProbability(p, 4, 1.0) - 0.7) < 1e-6);
    QVERIFY(tempscale::scaledMaxProbability(p, 4, 2.0) < 0.7); // softer
    QVERIFY(tempscale::scaledMaxProbability(p, 4, 0.5) > 0.7); // sharper
    QVERIFY(std::abs(tempscale::scaledMaxProbability(p, 4, 1e6) - 0.25) < 1e-4);
    const float zero[3] = {1.0f, 0.0f, 0.0f}; // log 0 is clamped, not -inf
    QVERIFY(std::isfinite(tempscale::scaledMaxProbability(zero, 3, 3.0)));
}

void TestTempScale::badCalibration()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tempscale::fitTemperature({}, 10, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             tempscale::fitTemperature({0.5f, 0.5f}, 2, {2}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             tempscale::fitTemperature({0.5f, 0.5f, 1.0f}, 2, {0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tempscale::fitTemperature({NAN, 0.5f}, 2, {0}));
}

void TestTempScale::hiStudyUsesTheModule()
{
    QTemporaryDir dir;
    const QString spec = dir.filePath(QStringLiteral("ts.json"));
    QFile f(spec);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"name": "ts", "dataset": {"name": "synth-digits", "samples": 1200},
        "models": [{"name": "mlp", "recipe": "mlp", "widths": [16], "epochs": 2},
                   {"name": "lenet", "recipe": "lenet", "epochs": 1}],
        "policies": [{"kind": "hi", "models": ["mlp"], "formats": "int8",
                      "decisions": ["maxprob", "tempscale"], "decision_taus": [0.5, 0.7, 0.9],
                      "remotes": ["lenet"]}],
        "devices": ["asic45"], "links": ["wifi"]})");
    f.close();
    const QString plugins = QStringLiteral(FRONTIER_PLUGINS_DIR);
    auto runAndList = [&](const QString &project, const QString &threads) {
        const Run r = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                                   QStringLiteral("--project"), project,
                                   QStringLiteral("--threads"), threads},
                                  plugins);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return frontierRun({QStringLiteral("study"), QStringLiteral("trials"),
                            QStringLiteral("--project"), project, QStringLiteral("--study"),
                            QStringLiteral("ts"), QStringLiteral("--csv")},
                           plugins)
            .out;
    };
    const QByteArray two
        = runAndList(dir.filePath(QStringLiteral("a.frontier")), QStringLiteral("2"));
    QCOMPARE(two.count("tempscale"), 3);
    QCOMPARE(two.count("maxprob"), 3);
    // The same numbers with one thread.
    QCOMPARE(runAndList(dir.filePath(QStringLiteral("b.frontier")), QStringLiteral("1")), two);
    // Without the plugin the spec is refused, naming the module.
    const Run without
        = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                       QStringLiteral("--project"), dir.filePath(QStringLiteral("c.frontier"))},
                      dir.filePath(QStringLiteral("none")));
    QCOMPARE(without.exitCode, 1);
    QVERIFY2(without.err.contains("unknown decision module 'tempscale'")
                 && without.err.contains("FRONTIER_PLUGIN_PATH"),
             without.err.constData());
}

QTEST_GUILESS_MAIN(TestTempScale)
#include "tst_tempscale.moc"
