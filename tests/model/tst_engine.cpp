#include "modelfactory.h"
#include "testutil.h"

#include "model/engine.h"
#include "model/recipes.h"

#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"

#include <QtTest>

#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

using namespace frontier;
using namespace frontier::model;

namespace {

Model recipeWithStats(const std::string &name, const Shape &shape, int classes)
{
    Model m = makeRecipe(name, shape, classes);
    test::randomizeBatchNorms(m, 99);
    return m;
}

Model buildModel(const QString &kind)
{
    if (kind == "mlp")
        return test::mlpAllActivations();
    if (kind == "cnn")
        return test::cnnEveryOp();
    if (kind == "residual")
        return test::residualWithExits();
    if (kind == "unfoldable")
        return test::unfoldableBatchNorm();
    if (kind == "lenet")
        return recipeWithStats("lenet", {1, 28, 28}, 10);
    if (kind == "resnet8")
        return recipeWithStats("resnet8", {3, 32, 32}, 10);
    if (kind == "ee-cnn")
        return recipeWithStats("ee-cnn", {1, 28, 28}, 10);
    if (kind == "large")
        return recipeWithStats("large", {3, 16, 16}, 4);
    if (kind == "tiny")
        return recipeWithStats("tiny", {1, 12, 12}, 3);
    return recipeWithStats("mlp", {30}, 3);
}

bool bitwiseEqual(const Outputs &a, const Outputs &b)
{
    if (a.n != b.n || a.heads.size() != b.heads.size())
        return false;
    for (size_t h = 0; h < a.heads.size(); ++h) {
        if (a.heads[h].size() != b.heads[h].size()
            || std::memcmp(a.heads[h].data(), b.heads[h].data(), a.heads[h].size() * sizeof(float))
                   != 0)
            return false;
    }
    return true;
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runMatchesSerial_data();
    void runMatchesSerial();
    void threadCountInvariance_data();
    void threadCountInvariance();
    void folding_data();
    void folding();
    void outputsApi();
    void emptyInput();
    void cancelBeforeStart();
    void cancelWhileRunning();
    void progressCountsSamples();
    void badModels_data();
    void badModels();
    void accuracyValues();
};

void TestEngine::runMatchesSerial_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("blockSize");
    QTest::newRow("mlp, n=37, block 8") << "mlp" << 37 << 8;
    QTest::newRow("cnn every op, n=23, block 5") << "cnn" << 23 << 5;
    QTest::newRow("residual + exits, n=50, block 64") << "residual" << 50 << 64;
    QTest::newRow("residual + exits, n=50, block 1") << "residual" << 50 << 1;
    QTest::newRow("unfoldable bn, n=9, block 4") << "unfoldable" << 9 << 4;
    QTest::newRow("lenet recipe, n=20, block 7") << "lenet" << 20 << 7;
    QTest::newRow("resnet8 recipe, n=6, block 4") << "resnet8" << 6 << 4;
    QTest::newRow("ee-cnn recipe, n=11, block 3") << "ee-cnn" << 11 << 3;
    QTest::newRow("large recipe, n=5, block 2") << "large" << 5 << 2;
    QTest::newRow("tiny recipe, n=13, block 64") << "tiny" << 13 << 64;
    QTest::newRow("mlp recipe on vectors, n=70, block 16") << "mlp-vector" << 70 << 16;
}

void TestEngine::runMatchesSerial()
{
    QFETCH(QString, kind);
    QFETCH(int, n);
    QFETCH(int, blockSize);
    const Model m = buildModel(kind);
    const Engine engine(m);
    // Recipes get pixel-like inputs in [0, 1), the hand-built models signed ones.
    const bool recipe = m.metadata.count("recipe") > 0;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 7, recipe ? 0.0 : -1.0, 1.0);
    RunOptions options;
    options.blockSize = blockSize;
    const Outputs fast = engine.run(x.data(), n, options);
    const Outputs slow = engine.runSerial(x.data(), n);
    QCOMPARE(fast.n, n);
    QCOMPARE(fast.heads.size(), m.heads.size());
    for (size_t h = 0; h < m.heads.size(); ++h) {
        QCOMPARE(fast.heads[h].size(), size_t(n) * size_t(fast.headWidths[h]));
        const double diff = test::maxRelDiff(fast.heads[h], slow.heads[h]);
        if (diff > 1e-6)
            QFAIL(qPrintable(QStringLiteral("head %1: relative difference %2")
                                 .arg(QString::fromStdString(m.heads[h].name))
                                 .arg(diff)));
    }
    QCOMPARE(fast.predictions(), slow.predictions());
}

void TestEngine::threadCountInvariance_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("blockSize");
    QTest::newRow("mlp, n=203, block 16") << "mlp" << 203 << 16;
    QTest::newRow("cnn, n=77, block 8") << "cnn" << 77 << 8;
    QTest::newRow("residual, n=130, block 64") << "residual" << 130 << 64;
    QTest::newRow("lenet, n=99, block 10") << "lenet" << 99 << 10;
}

void TestEngine::threadCountInvariance()
{
    QFETCH(QString, kind);
    QFETCH(int, n);
    QFETCH(int, blockSize);
    const Model m = buildModel(kind);
    const Engine engine(m);
    const std::vector<float> x = test::randomInput(n, m.inputShape, 8);
    RunOptions options;
    options.blockSize = blockSize;
    Outputs one, two, again;
    {
        ThreadLimit limit(1);
        one = engine.run(x.data(), n, options);
    }
    {
        ThreadLimit limit(2);
        two = engine.run(x.data(), n, options);
        again = engine.run(x.data(), n, options);
    }
    QVERIFY(bitwiseEqual(one, two));
    QVERIFY(bitwiseEqual(two, again));
}

void TestEngine::folding_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("folded");
    QTest::newRow("mlp: dense->bn") << "mlp" << 1;
    QTest::newRow("cnn: conv->bn, depthwise->bn") << "cnn" << 2;
    QTest::newRow("residual: 4 conv->bn") << "residual" << 4;
    QTest::newRow("unfoldable: only dense->bn") << "unfoldable" << 1;
    QTest::newRow("resnet8: every bn") << "resnet8" << 7;
}

void TestEngine::folding()
{
    QFETCH(QString, kind);
    QFETCH(int, folded);
    const Model m = buildModel(kind);
    const Engine engine(m);
    QCOMPARE(engine.foldedCount(), folded);
    // The engine's model stays unfolded.
    QCOMPARE(engine.model().layers.size(), m.layers.size());
}

void TestEngine::outputsApi()
{
    const Model m = test::residualWithExits();
    const Engine engine(m);
    const int n = 17;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 3);
    const Outputs out = engine.run(x.data(), n);
    QCOMPARE(out.headNames, (std::vector<std::string>{"exit1", "raw_logits", "final"}));
    QCOMPARE(out.headWidths, (std::vector<int>{5, 5, 5}));
    QCOMPARE(out.predictions(), out.predictions(2));
    for (int i = 0; i < n; ++i) {
        double sum = 0;
        for (int c = 0; c < 5; ++c)
            sum += out.scores(-1, i)[c];
        FRONTIER_COMPARE_REL(sum, 1.0, 1e-5);
        QCOMPARE(out.scores(-1, i), out.heads[2].data() + i * 5);
        // The softmax of the raw logits head is the final head.
        const float *z = out.scores(1, i);
        float mx = z[0];
        for (int c = 1; c < 5; ++c)
            mx = std::max(mx, z[c]);
        double denom = 0;
        for (int c = 0; c < 5; ++c)
            denom += std::exp(double(z[c] - mx));
        FRONTIER_COMPARE_REL(out.scores(2, i)[0], std::exp(double(z[0] - mx)) / denom, 1e-5);
    }
    const std::vector<int> p = out.predictions(0);
    QCOMPARE(int(p.size()), n);
    for (int v : p)
        QVERIFY(v >= 0 && v < 5);
}

void TestEngine::emptyInput()
{
    const Model m = test::mlpAllActivations();
    const Engine engine(m);
    const Outputs out = engine.run(nullptr, 0);
    QCOMPARE(out.n, 0);
    QCOMPARE(out.heads.size(), size_t(2));
    QVERIFY(out.heads[0].empty());
    QVERIFY(out.predictions().empty());
}

void TestEngine::cancelBeforeStart()
{
    const Model m = test::cnnEveryOp();
    const Engine engine(m);
    const std::vector<float> x = test::randomInput(40, m.inputShape, 4);
    Progress progress;
    progress.cancel();
    RunOptions options;
    options.blockSize = 4;
    options.progress = &progress;
    bool cancelled = false;
    try {
        engine.run(x.data(), 40, options);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(progress.done(), int64_t(0));
}

void TestEngine::cancelWhileRunning()
{
    const Model m = makeRecipe("lenet", {1, 28, 28}, 10);
    const Engine engine(m);
    const int n = 20000;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 5);
    Progress progress;
    progress.setTotal(n);
    RunOptions options;
    options.blockSize = 2;
    options.progress = &progress;
    std::thread canceller([&] {
        while (progress.done() < 100)
            std::this_thread::yield();
        progress.cancel();
    });
    bool cancelled = false;
    try {
        engine.run(x.data(), n, options);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    canceller.join();
    QVERIFY(cancelled);
    QVERIFY(progress.done() >= 100);
    QVERIFY(progress.done() < n);
}

void TestEngine::progressCountsSamples()
{
    const Model m = test::mlpAllActivations();
    const Engine engine(m);
    const std::vector<float> x = test::randomInput(101, m.inputShape, 6);
    Progress progress;
    RunOptions options;
    options.blockSize = 10;
    options.progress = &progress;
    engine.run(x.data(), 101, options);
    QCOMPARE(progress.done(), int64_t(101));
}

void TestEngine::badModels_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("no heads") << 0 << "no output head";
    QTest::newRow("forward reference") << 1 << "not the model input or an earlier layer";
    QTest::newRow("shape mismatch") << 2 << "expected";
    QTest::newRow("no layers") << 3 << "has no layers";
}

void TestEngine::badModels()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    Model m;
    m.name = "bad";
    m.inputShape = {4};
    if (which != 3) {
        m.add(test::makeLayer("dense", test::units(3)), {}, "fc");
        m.add(test::makeLayer("softmax"), {}, "softmax");
        m.initialize(1);
    }
    if (which == 1) {
        m.addHead("final");
        m.layers[0]->inputs = {1};
    } else if (which == 2) {
        m.addHead("final");
        m.inputShape = {1, 3, 3}; // conv-less model, but dense weights are 3x4
    } else if (which == 3) {
        m.heads.push_back({"final", 0, 1.0f});
    }
    try {
        const Engine engine(m);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
    }
}

void TestEngine::accuracyValues()
{
    QCOMPARE(accuracy({1, 2, 3, 4}, {1, 0, 3, 0}), 0.5);
    QCOMPARE(accuracy({}, {}), 0.0);
    QVERIFY_THROWS_EXCEPTION(Error, accuracy({1}, {1, 2}));
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
