#include "../model/modelfactory.h"
#include "testutil.h"

#include "train/loss.h"
#include "train/optimizer.h"
#include "train/trainer.h"

#include "data/catalog.h"
#include "model/engine.h"
#include "model/recipes.h"

#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "common/random.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace frontier;
using namespace frontier::model;
using namespace frontier::train;

namespace {

// Gaussian blobs: `classes` centres in [-2, 2]^dims, samples = centre + 0.5 · N(0, 1).
data::Dataset blobs(int n, int dims, int classes, uint64_t seed)
{
    Random rng(seed);
    std::vector<std::vector<double>> centres(static_cast<size_t>(classes),
                                             std::vector<double>(static_cast<size_t>(dims)));
    for (auto &c : centres)
        for (double &v : c)
            v = rng.uniform(-2.0, 2.0);
    data::Dataset d;
    d.name = "blobs";
    d.shape = {dims};
    for (int k = 0; k < classes; ++k)
        d.classNames.push_back(std::to_string(k));
    for (int i = 0; i < n; ++i) {
        const int label = i % classes;
        d.y.push_back(label);
        for (int j = 0; j < dims; ++j)
            d.x.push_back(float(centres[size_t(label)][size_t(j)] + 0.5 * rng.normal()));
    }
    return d;
}

// Images {channels, size, size}: class k is a bright square (side size/4) in quadrant
// k (mod 4),
// at a jittered position, plus noise; with more than 4 classes the brightness differs.
data::Dataset squares(int n, int channels, int size, int classes, uint64_t seed)
{
    Random rng(seed);
    data::Dataset d;
    d.name = "squares";
    d.shape = {channels, size, size};
    for (int k = 0; k < classes; ++k)
        d.classNames.push_back(std::to_string(k));
    const int plane = size * size;
    for (int i = 0; i < n; ++i) {
        const int label = int(rng.below(classes));
        d.y.push_back(label);
        std::vector<float> img(size_t(channels * plane));
        for (float &v : img)
            v = float(0.1 * rng.uniform());
        const int half = size / 2;
        const int side = std::max(1, size / 4);
        const int oy = (label % 4) / 2 * half + int(rng.below(half - side + 1));
        const int ox = (label % 4) % 2 * half + int(rng.below(half - side + 1));
        const float bright = label < 4 ? 1.0f : 0.5f;
        for (int c = 0; c < channels; ++c)
            for (int y = oy; y < oy + side; ++y)
                for (int x = ox; x < ox + side; ++x)
                    img[size_t(c * plane + y * size + x)] = bright;
        d.x.insert(d.x.end(), img.begin(), img.end());
    }
    return d;
}

std::vector<float> allParams(const Model &m)
{
    std::vector<float> out;
    for (const auto &layer : m.layers)
        for (const Param &p : layer->params())
            out.insert(out.end(), p.value.begin(), p.value.end());
    return out;
}

bool sameBits(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Σ_h weight_h · mean_i CE_h(i) via the engine (for models without BatchNorm, where
// inference and training compute the same function). Every head is a softmax.
double engineLoss(const Model &m, const data::Dataset &d)
{
    const Outputs out = Engine(m).run(d.x.data(), d.size());
    double loss = 0;
    for (size_t h = 0; h < m.heads.size(); ++h)
        for (int i = 0; i < d.size(); ++i)
            loss -= m.heads[h].lossWeight * std::log(double(out.scores(int(h), i)[d.y[size_t(i)]]))
                    / d.size();
    return loss;
}

// A residual CNN with two heads and no BatchNorm, for the gradient check.
Model residualNoBn()
{
    using test::makeLayer;
    Model m;
    m.inputShape = {2, 6, 6};
    m.add(makeLayer("conv2d", test::conv(4, 3, 1, {1})), {}, "c1");
    const int r1 = m.add(makeLayer("tanh"), {}, "t1");
    m.add(makeLayer("conv2d", test::conv(4, 3, 1, {1})), {}, "c2");
    m.add(makeLayer("sigmoid"), {}, "s2");
    m.add(makeLayer("add"), {3, r1}, "add");
    const int a = m.add(makeLayer("leakyrelu", {{"alpha", {0.2}}}), {}, "act");
    m.add(makeLayer("avgpool", test::pool(2, 2)), {a}, "exit_pool");
    m.add(makeLayer("flatten"), {}, "exit_flat");
    m.add(makeLayer("dense", test::units(3)), {}, "exit_fc");
    m.add(makeLayer("softmax"), {}, "exit_softmax");
    m.addHead("exit", -1, 0.5f);
    m.add(makeLayer("conv2d", test::conv(5, 3, 2, {1}, 1)), {a}, "c3");
    m.add(makeLayer("tanh"), {}, "t3");
    m.add(makeLayer("globalavgpool"), {}, "gap");
    m.add(makeLayer("dense", test::units(3)), {}, "fc");
    m.add(makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(77);
    return m;
}

} // namespace

class TestTrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crossEntropy_data();
    void crossEntropy();
    void logitsOfHeads();
    void optimizerSteps_data();
    void optimizerSteps();
    void gradientsMatchFiniteDifferences();
    void lossDecreases_data();
    void lossDecreases();
    void deterministicAcrossThreads_data();
    void deterministicAcrossThreads();
    void seedMatters();
    void earlyExitHeadsLearn();
    void cancelAfterFirstEpoch();
    void cancelBeforeStart();
    void badInput_data();
    void badInput();
    void defaults();
    void realData_data();
    void realData();
};

void TestTrain::crossEntropy_data()
{
    QTest::addColumn<QList<float>>("logits");
    QTest::addColumn<int>("label");
    QTest::addColumn<double>("loss");
    QTest::newRow("1,2,3 label 2") << QList<float>{1, 2, 3} << 2
                                   << std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3;
    QTest::newRow("uniform") << QList<float>{0, 0, 0, 0} << 1 << std::log(4.0);
    QTest::newRow("huge logits stay finite") << QList<float>{1000, -1000} << 1 << 2000.0;
    QTest::newRow("confident and right") << QList<float>{50, 0} << 0 << std::exp(-50.0);
}

void TestTrain::crossEntropy()
{
    QFETCH(QList<float>, logits);
    QFETCH(int, label);
    QFETCH(double, loss);
    const int width = int(logits.size());
    std::vector<float> grad(static_cast<size_t>(width));
    int correct = 0;
    const double got
        = softmaxCrossEntropy(logits.data(), 1, width, &label, 0.5f, grad.data(), &correct);
    FRONTIER_COMPARE_REL(got, loss, 1e-9);
    double sum = 0;
    for (int c = 0; c < width; ++c) {
        QVERIFY(std::isfinite(grad[size_t(c)]));
        sum += grad[size_t(c)];
    }
    QVERIFY(std::abs(sum) < 1e-6);
    QVERIFY(grad[size_t(label)] <= 0);
    int best = 0;
    for (int c = 1; c < width; ++c)
        if (logits[c] > logits[best])
            best = c;
    QCOMPARE(correct, best == label ? 1 : 0);
    int bad = width;
    QVERIFY_THROWS_EXCEPTION(Error,
                             softmaxCrossEntropy(logits.data(), 1, width, &bad, 1.0f, nullptr));
}

void TestTrain::logitsOfHeads()
{
    const Model m = test::residualWithExits();
    QCOMPARE(logitsLayer(m, m.heads[0]), m.layerIndex("exit1_fc"));
    QCOMPARE(logitsLayer(m, m.heads[1]), m.layerIndex("logits")); // a raw head
    QCOMPARE(logitsLayer(m, m.heads[2]), m.layerIndex("logits"));
}

void TestTrain::optimizerSteps_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<float>("decay");
    QTest::addColumn<float>("afterOne");
    QTest::addColumn<float>("afterTwo");
    // w = 1, g = 0.5 at both steps, lr = 0.1, momentum 0.9.
    QTest::newRow("sgd") << "sgd" << 0.0f << 0.95f << 0.855f;
    QTest::newRow("sgd + L2") << "sgd" << 0.1f << 1.0f - 0.1f * 0.6f
                              << (1.0f - 0.06f) - 0.1f * (0.9f * 0.6f + 0.5f + 0.1f * 0.94f);
    QTest::newRow("nesterov") << "nesterov" << 0.0f << 1.0f - 0.1f * (0.5f + 0.45f)
                              << 0.905f - 0.1f * (0.5f + 0.9f * 0.95f);
    // Adam's first bias-corrected steps move by lr (sign of g), up to eps.
    QTest::newRow("adam") << "adam" << 0.0f << 0.9f << 0.8f;
    QTest::newRow("adam + decoupled decay")
        << "adam" << 0.5f << 1.0f * 0.95f - 0.1f << (0.85f * 0.95f) - 0.1f;
}

void TestTrain::optimizerSteps()
{
    QFETCH(QString, name);
    QFETCH(float, decay);
    QFETCH(float, afterOne);
    QFETCH(float, afterTwo);
    Optimizer opt(name.toStdString(), 0.9f, decay);
    float w[2] = {1.0f, 1.0f};
    const float g[2] = {0.5f, 0.5f};
    // The second slot takes no decay.
    const std::vector<ParamSlot> slots = {{&w[0], &g[0], 1, true}, {&w[1], &g[1], 1, false}};
    opt.step(slots, 0.1f);
    FRONTIER_COMPARE_REL(w[0], afterOne, 1e-5);
    opt.step(slots, 0.1f);
    FRONTIER_COMPARE_REL(w[0], afterTwo, 1e-5);
    if (decay == 0.0f)
        QCOMPARE(w[1], w[0]);
    QVERIFY_THROWS_EXCEPTION(Error, Optimizer("rmsprop", 0.9f, 0.0f));
    QVERIFY_THROWS_EXCEPTION(Error, Optimizer("sgd", 1.5f, 0.0f));
}

void TestTrain::gradientsMatchFiniteDifferences()
{
    // One plain SGD step with lr = 1 exposes the gradient: g = w_before - w_after. The
    // batch is cut into 3 micro-batches, so the reduction is exercised too.
    const Model m0 = residualNoBn();
    const data::Dataset d = squares(9, 2, 6, 3, 5);
    Model m1 = m0;
    TrainOptions o;
    o.optimizer = "sgd";
    o.momentum = 0.0f;
    o.learningRate = 1.0f;
    o.schedule = "constant";
    o.epochs = 1;
    o.batchSize = 9;
    o.microBatch = 4;
    frontier::train::train(m1, d, nullptr, o);

    int checked = 0;
    for (size_t l = 0; l < m0.layers.size(); ++l) {
        for (size_t p = 0; p < m0.layers[l]->params().size(); ++p) {
            const std::vector<float> &w0 = m0.layers[l]->params()[p].value;
            const std::vector<float> &w1 = m1.layers[l]->params()[p].value;
            // The entry with the largest gradient of this tensor.
            size_t k = 0;
            for (size_t i = 1; i < w0.size(); ++i)
                if (std::abs(w0[i] - w1[i]) > std::abs(w0[k] - w1[k]))
                    k = i;
            const double g = double(w0[k]) - double(w1[k]);
            const float eps = 1e-2f;
            Model plus = m0;
            Model minus = m0;
            plus.layers[l]->params()[p].value[k] += eps;
            minus.layers[l]->params()[p].value[k] -= eps;
            const double fd = (engineLoss(plus, d) - engineLoss(minus, d)) / (2.0 * eps);
            const QString what = QStringLiteral("%1.%2[%3]: backprop %4, finite difference %5")
                                     .arg(QString::fromStdString(m0.layers[l]->name))
                                     .arg(QString::fromStdString(m0.layers[l]->params()[p].name))
                                     .arg(k)
                                     .arg(g)
                                     .arg(fd);
            QVERIFY2(std::abs(fd - g) <= 0.03 * std::abs(g) + 2e-4, qPrintable(what));
            ++checked;
        }
    }
    QCOMPARE(checked, 10); // 5 weighted layers x (weight, bias)
}

void TestTrain::lossDecreases_data()
{
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<float>("rate");
    QTest::newRow("sgd") << "sgd" << 0.05f;
    QTest::newRow("nesterov") << "nesterov" << 0.05f;
    QTest::newRow("adam") << "adam" << 3e-3f;
}

void TestTrain::lossDecreases()
{
    QFETCH(QString, optimizer);
    QFETCH(float, rate);
    const data::Dataset trainSet = blobs(300, 6, 3, 1);
    const data::Dataset validation = blobs(90, 6, 3, 1); // same centres, other noise
    Model m = makeRecipe("mlp", {6}, 3, {{16}, 3});
    TrainOptions o;
    o.optimizer = optimizer.toStdString();
    o.learningRate = rate;
    o.epochs = 12;
    o.batchSize = 20;
    o.microBatch = 8;
    int calls = 0;
    const TrainReport r
        = frontier::train::train(m, trainSet, &validation, o, [&](const EpochReport &e) {
              ++calls;
              QCOMPARE(e.epoch, calls);
          });
    QCOMPARE(calls, 12);
    QCOMPARE(int(r.epochs.size()), 12);
    QVERIFY(!r.cancelled);
    QVERIFY2(r.epochs.back().trainLoss < 0.5 * r.epochs.front().trainLoss,
             qPrintable(QStringLiteral("loss %1 -> %2")
                            .arg(r.epochs.front().trainLoss)
                            .arg(r.epochs.back().trainLoss)));
    QVERIFY(r.epochs.back().trainAccuracy >= 0.95);
    QVERIFY(r.epochs.back().validationAccuracy >= 0.95);
}

void TestTrain::deterministicAcrossThreads_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("residual cnn with batchnorm and exits") << "residual";
    QTest::newRow("mlp with batchnorm and every activation") << "mlp";
    QTest::newRow("ee-cnn recipe, augmented") << "ee-cnn";
}

void TestTrain::deterministicAcrossThreads()
{
    QFETCH(QString, kind);
    Model m0;
    data::Dataset d;
    TrainOptions o;
    o.epochs = 2;
    o.batchSize = 24;
    o.microBatch = 7; // 4 micro-batches of 7, 7, 7, 3
    if (kind == "residual") {
        m0 = test::residualWithExits();
        d = squares(100, 4, 10, 5, 2);
    } else if (kind == "mlp") {
        m0 = test::mlpAllActivations();
        d = blobs(100, 20, 4, 3);
        o.optimizer = "nesterov";
        o.learningRate = 0.02f;
        o.weightDecay = 1e-3f;
    } else {
        m0 = makeRecipe("ee-cnn", {1, 16, 16}, 4, {{4, 6, 8, 16}, 1});
        d = squares(100, 1, 16, 4, 4);
        o.augmentShift = 2;
        o.weightDecay = 0.01f;
    }
    Model a = m0;
    Model b = m0;
    Model c = m0;
    TrainReport ra, rb;
    {
        ThreadLimit limit(1);
        ra = frontier::train::train(a, d, &d, o);
    }
    {
        ThreadLimit limit(2);
        rb = frontier::train::train(b, d, &d, o);
        frontier::train::train(c, d, &d, o);
    }
    QVERIFY(!sameBits(allParams(a), allParams(m0)));
    QVERIFY(sameBits(allParams(a), allParams(b)));
    QVERIFY(sameBits(allParams(b), allParams(c)));
    for (size_t e = 0; e < ra.epochs.size(); ++e) {
        QCOMPARE(ra.epochs[e].trainLoss, rb.epochs[e].trainLoss);
        QCOMPARE(ra.epochs[e].validationAccuracy, rb.epochs[e].validationAccuracy);
    }
}

void TestTrain::seedMatters()
{
    const data::Dataset d = blobs(64, 5, 2, 9);
    const Model m0 = makeRecipe("mlp", {5}, 2, {{8}, 1});
    TrainOptions o;
    o.epochs = 1;
    o.batchSize = 16;
    Model a = m0, b = m0;
    o.seed = 1;
    frontier::train::train(a, d, nullptr, o);
    o.seed = 2;
    frontier::train::train(b, d, nullptr, o);
    QVERIFY(!sameBits(allParams(a), allParams(b))); // other shuffling
}

void TestTrain::earlyExitHeadsLearn()
{
    const data::Dataset trainSet = squares(600, 1, 16, 6, 11);
    const data::Dataset testSet = squares(200, 1, 16, 6, 12);
    Model m = makeRecipe("ee-cnn", {1, 16, 16}, 6, {{8, 8, 16, 32}, 2});
    TrainOptions o;
    o.epochs = 6;
    o.batchSize = 32;
    o.learningRate = 3e-3f;
    const TrainReport r = frontier::train::train(m, trainSet, nullptr, o);
    QCOMPARE(int(r.epochs.size()), 6);
    const Outputs out = Engine(m).run(testSet.x.data(), testSet.size());
    QCOMPARE(out.headNames, (std::vector<std::string>{"exit1", "exit2", "final"}));
    for (int h = 0; h < 3; ++h) {
        const double acc = accuracy(out.predictions(h), testSet.y);
        QVERIFY2(acc >= 0.9, qPrintable(QStringLiteral("head %1: accuracy %2").arg(h).arg(acc)));
    }
}

void TestTrain::cancelAfterFirstEpoch()
{
    const data::Dataset d = squares(120, 4, 10, 5, 21);
    Model m = test::residualWithExits();
    Progress progress;
    TrainOptions o;
    o.epochs = 5;
    o.batchSize = 16;
    o.progress = &progress;
    std::vector<float> afterFirst;
    QElapsedTimer timer;
    const TrainReport r = frontier::train::train(m, d, nullptr, o, [&](const EpochReport &e) {
        if (e.epoch == 1) {
            afterFirst = allParams(m);
            progress.cancel();
            timer.start();
        }
    });
    QVERIFY(timer.elapsed() < 200);
    QVERIFY(r.cancelled);
    QCOMPARE(int(r.epochs.size()), 1);
    QVERIFY(sameBits(allParams(m), afterFirst));
    QCOMPARE(progress.total(), int64_t(5 * 112)); // 7 full batches of 16 per epoch
    QCOMPARE(progress.done(), int64_t(112));
}

void TestTrain::cancelBeforeStart()
{
    const data::Dataset d = blobs(50, 4, 2, 1);
    Model m = makeRecipe("mlp", {4}, 2, {{8}, 1});
    const std::vector<float> before = allParams(m);
    Progress progress;
    progress.cancel();
    TrainOptions o;
    o.progress = &progress;
    const TrainReport r = frontier::train::train(m, d, &d, o);
    QVERIFY(r.cancelled);
    QVERIFY(r.epochs.empty());
    QVERIFY(sameBits(allParams(m), before));
}

void TestTrain::badInput_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown optimizer") << 0 << "unknown optimizer 'lbfgs'";
    QTest::newRow("unknown schedule") << 1 << "unknown schedule 'step'";
    QTest::newRow("shape mismatch") << 2 << "do not fit the model input";
    QTest::newRow("label out of range") << 3 << "label 5";
    QTest::newRow("no labels") << 4 << "has no labels";
    QTest::newRow("not initialised") << 5 << "not initialised";
    QTest::newRow("zero batch") << 6 << "batch size";
    QTest::newRow("bad learning rate") << 7 << "learning rate";
}

void TestTrain::badInput()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    data::Dataset d = blobs(20, 4, 3, 1);
    Model m = makeRecipe("mlp", {4}, 3, {{5}, 1});
    TrainOptions o;
    switch (which) {
    case 0:
        o.optimizer = "lbfgs";
        break;
    case 1:
        o.schedule = "step";
        break;
    case 2:
        m = makeRecipe("mlp", {5}, 3, {{5}, 1});
        break;
    case 3:
        d.y[3] = 5;
        break;
    case 4:
        d.y.clear();
        break;
    case 5:
        for (Param &p : m.layers[0]->params()) {
            p.value.clear();
            p.shape.clear();
        }
        break;
    case 6:
        o.batchSize = 0;
        break;
    case 7:
        o.learningRate = -1.0f;
        break;
    }
    try {
        frontier::train::train(m, d, nullptr, o);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
    }
}

void TestTrain::defaults()
{
    for (const std::string &name : recipeNames()) {
        const TrainOptions o = defaultTrainOptions(name);
        QVERIFY(o.epochs > 0);
        QVERIFY(o.batchSize > 0);
        QVERIFY(o.learningRate > 0);
    }
    QCOMPARE(defaultTrainOptions("mlp").optimizer, std::string("adam"));
    QCOMPARE(defaultTrainOptions("lenet").augmentShift, 2);
}

void TestTrain::realData_data()
{
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QString>("recipe");
    QTest::addColumn<double>("minimum");
    QTest::addColumn<bool>("slow");
    QTest::newRow("optdigits mlp") << "optdigits"
                                   << "mlp" << 0.96 << false;
    QTest::newRow("mnist mlp") << "mnist"
                               << "mlp" << 0.96 << false;
    QTest::newRow("mnist lenet") << "mnist"
                                 << "lenet" << 0.98 << true;
}

void TestTrain::realData()
{
    QFETCH(QString, dataset);
    QFETCH(QString, recipe);
    QFETCH(double, minimum);
    QFETCH(bool, slow);
    if (slow && qEnvironmentVariableIntValue("FRONTIER_SLOW_TESTS") == 0)
        QSKIP("set FRONTIER_SLOW_TESTS=1 to run");
    // The portable path (exact fma emulated in SSE2) trains MNIST in tens of minutes; its
    // bits are checked against the vector paths by tst_isaparity.
    if (dataset == QLatin1String("mnist") && qgetenv("FRONTIER_ISA") == "portable"
        && qEnvironmentVariableIntValue("FRONTIER_SLOW_TESTS") == 0)
        QSKIP("MNIST training on the portable path: set FRONTIER_SLOW_TESTS=1 to run");
    data::PreparedData data;
    try {
        data = data::prepare(dataset.toStdString());
    } catch (const Error &e) {
        QSKIP(qPrintable(QStringLiteral("dataset not available: %1").arg(e.what())));
    }
    Model m = makeRecipe(recipe.toStdString(), data.train.shape, data.train.numClasses());
    QElapsedTimer timer;
    timer.start();
    const TrainReport r
        = frontier::train::train(m, data.train, nullptr, defaultTrainOptions(recipe.toStdString()));
    const Outputs out = Engine(m).run(data.test.x.data(), data.test.size());
    const double acc = accuracy(out.predictions(), data.test.y);
    qInfo("%s %s: test accuracy %.4f on %d samples, trained on %d in %.1f s", qPrintable(recipe),
          qPrintable(dataset), acc, data.test.size(), data.train.size(), timer.elapsed() / 1e3);
    QVERIFY(!r.cancelled);
    QVERIFY2(acc >= minimum, qPrintable(QStringLiteral("accuracy %1").arg(acc)));
}

QTEST_GUILESS_MAIN(TestTrain)
#include "tst_train.moc"
