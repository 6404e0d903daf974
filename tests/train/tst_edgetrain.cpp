// QAT and RCT: stochastic rounding, the bitwidth rule, the STE gradient, the integer-only
// state of RCT, accounting, determinism, cancellation and bad knobs.

#include "testutil.h"

#include "train/quanttraining.h"
#include "train/rctquant.h"

#include "data/catalog.h"
#include "model/modelfile.h"
#include "model/recipes.h"
#include "numeric/variantengine.h"
#include "numeric/variantio.h"

#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "common/random.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace frontier;
using namespace frontier::model;
using namespace frontier::train;

namespace {

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

// Images {1, size, size}: class k is a bright square in quadrant k, plus noise.
data::Dataset squares(int n, int size, uint64_t seed)
{
    Random rng(seed);
    data::Dataset d;
    d.name = "squares";
    d.shape = {1, size, size};
    for (int k = 0; k < 4; ++k)
        d.classNames.push_back(std::to_string(k));
    const int plane = size * size;
    for (int i = 0; i < n; ++i) {
        const int label = int(rng.below(4));
        d.y.push_back(label);
        std::vector<float> img(static_cast<size_t>(plane));
        for (float &v : img)
            v = float(0.1 * rng.uniform());
        const int half = size / 2;
        const int side = std::max(1, size / 4);
        const int oy = label / 2 * half + int(rng.below(half - side + 1));
        const int ox = label % 2 * half + int(rng.below(half - side + 1));
        for (int y = oy; y < oy + side; ++y)
            for (int x = ox; x < ox + side; ++x)
                img[size_t(y * size + x)] = 1.0f;
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

QuantTrainOptions quickOptions(TrainMethod method, int epochs = 3)
{
    QuantTrainOptions o;
    o.method = method;
    o.train.epochs = epochs;
    o.train.batchSize = 32;
    o.train.microBatch = 8;
    o.train.learningRate = method == TrainMethod::Rct ? 0.1f : 0.01f;
    o.train.optimizer = method == TrainMethod::Rct ? "sgd" : "adam";
    o.train.seed = 7;
    o.costPresets = {"asic45", "cortex-m4f"};
    return o;
}

Model smallMlp(int dims, int classes)
{
    return makeRecipe("mlp", {dims}, classes, {{16}, 3});
}

Model smallCnn(int size)
{
    return makeRecipe("lenet", {1, size, size}, 4, {{4, 4, 16}, 5});
}

} // namespace

class TestEdgeTrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stochasticRoundingIsUnbiased_data();
    void stochasticRoundingIsUnbiased();
    void smallUpdatesMoveCodesOnAverage();
    void bitChangesKeepValues();
    void bitwidthRule_data();
    void bitwidthRule();
    void bitsRiseWhenUpdatesUnderflow();
    void bitsFallWhenUpdatesAreLarge();
    void steGradientMatchesFiniteDifferences();
    void steZeroesGradientOfClippedInputs();
    void rctKeepsNoFloatWeightsBetweenSteps();
    void qatKeepsMasterAndOptimizerState();
    void methodsLearnAndSaveTheirVariant_data();
    void methodsLearnAndSaveTheirVariant();
    void accounting();
    void deterministicAcrossThreads_data();
    void deterministicAcrossThreads();
    void cancelWithinOneBatch();
    void badKnobs_data();
    void badKnobs();
    void rejectsBatchNorm();
};

void TestEdgeTrain::stochasticRoundingIsUnbiased_data()
{
    QTest::addColumn<double>("t");
    QTest::newRow("0.3") << 0.3;
    QTest::newRow("-1.7") << -1.7;
    QTest::newRow("2.05") << 2.05;
    QTest::newRow("0.001") << 0.001;
    QTest::newRow("-0.5") << -0.5;
    QTest::newRow("integer 3") << 3.0;
}

void TestEdgeTrain::stochasticRoundingIsUnbiased()
{
    QFETCH(double, t);
    Random rng(12345);
    const int n = 200000;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const int64_t r = stochasticRound(t, rng.uniform());
        QVERIFY(r == int64_t(std::floor(t)) || r == int64_t(std::floor(t)) + 1);
        sum += double(r);
    }
    const double p = t - std::floor(t);
    const double sigma = std::sqrt(std::max(p * (1 - p), 1e-12) / n);
    const double mean = sum / n;
    // 5 standard errors: a biased rounding (e.g. to nearest: 0.3 -> 0) fails by far.
    QVERIFY2(std::abs(mean - t) <= 5 * sigma + 1e-12,
             qPrintable(QStringLiteral("mean %1 for %2").arg(mean).arg(t)));
}

void TestEdgeTrain::smallUpdatesMoveCodesOnAverage()
{
    // An update of 0.1 step on every one of 10,000 codes: round to nearest would lose all of
    // it; stochastic rounding moves the codes by 0.1 on average.
    const std::vector<float> w(10000, 0.0f);
    IntegerTensor t = IntegerTensor::quantize(w.data(), int64_t(w.size()), 8);
    t.scale = 0.01f;
    const std::vector<float> delta(w.size(), 0.001f); // 0.1 step
    Random rng(99);
    double steps = 0;
    for (int k = 0; k < 10; ++k)
        steps = t.applyUpdate(delta.data(), rng);
    QVERIFY(std::abs(steps - 1000.0) < 1e-6 * 1000);
    double mean = 0;
    for (int32_t q : t.codes)
        mean += q;
    mean /= double(t.codes.size());
    QVERIFY2(std::abs(mean - 1.0) < 0.03, qPrintable(QString::number(mean))); // σ ≈ 0.009
}

void TestEdgeTrain::bitChangesKeepValues()
{
    const std::vector<float> w = {-1.0f, -0.25f, 0.0f, 0.5f, 1.0f};
    IntegerTensor t = IntegerTensor::quantize(w.data(), 5, 4);
    QCOMPARE(t.maxCode(), 7);
    QCOMPARE(t.codes.back(), 7);
    std::vector<float> before(5), after(5);
    t.dequantize(before.data());
    t.addBit();
    QCOMPARE(t.bits, 5);
    t.dequantize(after.data());
    QVERIFY(sameBits(before, after)); // one bit more is exact
    Random rng(1);
    t.removeBit(rng);
    QCOMPARE(t.bits, 4);
    t.dequantize(after.data());
    QVERIFY(sameBits(before, after)); // even codes halve exactly
    for (int i = 0; i < 20; ++i)
        t.removeBit(rng);
    QCOMPARE(t.bits, 2); // never below 2
    for (int32_t q : t.codes)
        QVERIFY(std::abs(q) <= 1);
}

void TestEdgeTrain::bitwidthRule_data()
{
    QTest::addColumn<double>("gAvg");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("change");
    QTest::newRow("underflow adds a bit") << 0.001 << 8 << 1;
    QTest::newRow("large updates remove a bit") << 5.0 << 8 << -1;
    QTest::newRow("in between keeps") << 0.5 << 8 << 0;
    QTest::newRow("at b_max stays") << 0.001 << 12 << 0;
    QTest::newRow("at b_min stays") << 5.0 << 4 << 0;
    QTest::newRow("on T_min keeps") << 0.05 << 8 << 0;
    QTest::newRow("on T_max keeps") << 2.0 << 8 << 0;
}

void TestEdgeTrain::bitwidthRule()
{
    QFETCH(double, gAvg);
    QFETCH(int, bits);
    QFETCH(int, change);
    QCOMPARE(bitwidthChange(gAvg, bits, 0.05, 2.0, 4, 12), change);
}

void TestEdgeTrain::bitsRiseWhenUpdatesUnderflow()
{
    // A rate so small that every update is a tiny fraction of a step: each check adds a bit
    // to every layer until b_max.
    const data::Dataset d = blobs(320, 6, 3, 4);
    QuantTrainOptions o = quickOptions(TrainMethod::Rct, 1);
    o.train.learningRate = 1e-7f;
    o.train.schedule = "constant";
    o.rct.every = 2;
    o.rct.initialBits = 6;
    o.rct.maxBits = 9;
    const QuantTrainedModel r = trainQuantized(smallMlp(6, 3), d, nullptr, nullptr, o);
    QCOMPARE(r.result.finalBits, (std::vector<int>{9, 9}));
    // Bits rose one at a time, one per check.
    QCOMPARE(r.result.bitHistory.front().bits, (std::vector<int>{6, 6}));
    QCOMPARE(r.result.bitHistory[1].step, int64_t(2));
    QCOMPARE(r.result.bitHistory[1].bits, (std::vector<int>{7, 7}));
}

void TestEdgeTrain::bitsFallWhenUpdatesAreLarge()
{
    const data::Dataset d = blobs(320, 6, 3, 4);
    QuantTrainOptions o = quickOptions(TrainMethod::Rct, 2);
    o.train.learningRate = 50.0f;
    o.train.schedule = "constant";
    o.rct.every = 2;
    o.rct.initialBits = 12;
    o.rct.minBits = 8;
    const QuantTrainedModel r = trainQuantized(smallMlp(6, 3), d, nullptr, nullptr, o);
    // One bit fewer at each check while the updates are large.
    QCOMPARE(r.result.bitHistory[1].bits, (std::vector<int>{11, 11}));
    QCOMPARE(r.result.bitHistory[2].bits, (std::vector<int>{10, 10}));
    for (int bits : r.result.finalBits)
        QVERIFY(bits < 12);
}

void TestEdgeTrain::steGradientMatchesFiniteDifferences()
{
    // At 16 bits the quantizers are nearly the identity: the STE gradient must then be the
    // derivative of the fake-quantized loss, checked by central differences with a step far
    // larger than a quantization step (their rounding noise is then below 1e-3) and small
    // against the curvature (fp32 gradients agree with the same differences to 4e-3 at
    // worst, where a ReLU kink lies within the step).
    const data::Dataset d = blobs(64, 5, 3, 11);
    const Model m = smallMlp(5, 3);
    QuantTrainOptions o = quickOptions(TrainMethod::Qat);
    o.bits = 16;
    numeric::Variant ranges = numeric::makeVariant(m, "int16", d.x.data(), d.size(), "blobs");
    // Ranges a little wider than the data: no sample sits on a clipping edge, where the loss
    // has a kink that a finite difference straddles.
    for (numeric::LayerCalibration &c : ranges.calibration) {
        c.input = {c.input.min * 1.2f, c.input.max * 1.2f};
        c.output = {c.output.min * 1.2f, c.output.max * 1.2f};
    }
    const BatchGradients g = batchGradients(m, d, d.size(), o, &ranges);
    int checked = 0;
    for (size_t l = 0; l < m.layers.size(); ++l) {
        for (size_t p = 0; p < m.layers[l]->params().size(); ++p) {
            const size_t size = m.layers[l]->params()[p].value.size();
            for (size_t i = 0; i < size; i += std::max<size_t>(1, size / 7)) {
                const double eps = 5e-3;
                Model plus = m;
                Model minus = m;
                plus.layers[l]->params()[p].value[i] += float(eps);
                minus.layers[l]->params()[p].value[i] -= float(eps);
                const double lp = batchGradients(plus, d, d.size(), o, &ranges).loss;
                const double lm = batchGradients(minus, d, d.size(), o, &ranges).loss;
                const double numeric = (lp - lm) / (2 * eps);
                const double analytic = g.grads[l][p][i];
                QVERIFY2(std::abs(numeric - analytic) <= 0.02 * std::abs(analytic) + 5e-3,
                         qPrintable(QStringLiteral("layer %1 param %2 [%3]: STE %4, numeric %5")
                                        .arg(l)
                                        .arg(p)
                                        .arg(i)
                                        .arg(analytic)
                                        .arg(numeric)));
                ++checked;
            }
        }
    }
    QVERIFY(checked > 20);
    // At 3 bits the same gradient differs from the fp32 one: the quantizers are in the path.
    QuantTrainOptions low = o;
    low.bits = 3;
    const numeric::Variant ranges3 = numeric::makeVariant(m, "int3", d.x.data(), d.size(), "blobs");
    const BatchGradients g3 = batchGradients(m, d, d.size(), low, &ranges3);
    QuantTrainOptions fp = o;
    fp.method = TrainMethod::Fp32;
    const BatchGradients gf = batchGradients(m, d, d.size(), fp);
    QVERIFY(test::maxRelDiff(g3.grads[0][0], gf.grads[0][0]) > 0.05);
    QVERIFY(test::maxRelDiff(g.grads[0][0], gf.grads[0][0]) < 0.01);
}

void TestEdgeTrain::steZeroesGradientOfClippedInputs()
{
    // Ranges calibrated on a narrow copy of the data clip most inputs of the second layer:
    // its clipped inputs pass no gradient, so the first layer sees a smaller gradient than
    // with ranges from the data itself.
    const data::Dataset d = blobs(64, 5, 3, 11);
    const Model m = smallMlp(5, 3);
    QuantTrainOptions o = quickOptions(TrainMethod::Qat);
    o.bits = 8;
    const numeric::Variant wide = numeric::makeVariant(m, "int8", d.x.data(), d.size(), "blobs");
    std::vector<int> weighted;
    for (size_t l = 0; l < m.layers.size(); ++l) {
        if (m.layers[l]->type() == "dense")
            weighted.push_back(int(l));
    }
    QCOMPARE(int(weighted.size()), 2);
    numeric::Variant narrow = wide;
    for (numeric::LayerCalibration &c : narrow.calibration) {
        if (c.layer == m.layers[size_t(weighted[1])]->name)
            c.input.max *= 0.05f;
    }
    const BatchGradients gw = batchGradients(m, d, d.size(), o, &wide);
    const BatchGradients gn = batchGradients(m, d, d.size(), o, &narrow);
    double sw = 0, sn = 0;
    for (float v : gw.grads[size_t(weighted[0])][0])
        sw += std::abs(v);
    for (float v : gn.grads[size_t(weighted[0])][0])
        sn += std::abs(v);
    QVERIFY2(sn < 0.5 * sw, qPrintable(QStringLiteral("%1 vs %2").arg(sn).arg(sw)));
}

void TestEdgeTrain::rctKeepsNoFloatWeightsBetweenSteps()
{
    const data::Dataset d = squares(96, 12, 3);
    QuantTrainOptions o = quickOptions(TrainMethod::Rct, 2);
    int steps = 0;
    int64_t codes = 0;
    for (const auto &layer : smallCnn(12).layers)
        for (const Param &p : layer->params())
            codes += int64_t(p.value.size());
    o.inspectStep = [&](const StepInspection &s) {
        ++steps;
        QCOMPARE(s.floatWeightBytes, int64_t(0));
        QCOMPARE(s.optimizerStateBytes, int64_t(0));
        QCOMPARE(s.integerCodes, codes);
    };
    const QuantTrainedModel r = trainQuantized(smallCnn(12), d, nullptr, nullptr, o);
    QCOMPARE(steps, 2 * 3);
    QCOMPARE(r.result.parameterMemory.masterBits, int64_t(0));
    QCOMPARE(r.result.parameterMemory.optimizerBits, int64_t(0));
    // The saved model's weights are the codes times the per-layer scale: few distinct values.
    const Param *w = r.model.layers[0]->param("weight");
    QVERIFY(w && !w->value.empty());
    std::vector<float> values = w->value;
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    QVERIFY(int(values.size()) <= (1 << r.result.finalBits[0]));
}

void TestEdgeTrain::qatKeepsMasterAndOptimizerState()
{
    const data::Dataset d = blobs(96, 6, 3, 2);
    QuantTrainOptions o = quickOptions(TrainMethod::Qat, 1);
    int64_t params = smallMlp(6, 3).parameterCount();
    bool seen = false;
    o.inspectStep = [&](const StepInspection &s) {
        seen = true;
        QVERIFY(s.floatWeightBytes >= 2 * params * 4);   // master + fake-quantized copy
        QCOMPARE(s.optimizerStateBytes, 2 * params * 4); // Adam m and v
    };
    const QuantTrainedModel r = trainQuantized(smallMlp(6, 3), d, nullptr, nullptr, o);
    QVERIFY(seen);
    QCOMPARE(r.result.parameterMemory.masterBits, params * 32);
    QCOMPARE(r.result.parameterMemory.optimizerBits, params * 64);
}

void TestEdgeTrain::methodsLearnAndSaveTheirVariant_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("fp32") << int(TrainMethod::Fp32);
    QTest::newRow("qat") << int(TrainMethod::Qat);
    QTest::newRow("rct") << int(TrainMethod::Rct);
}

void TestEdgeTrain::methodsLearnAndSaveTheirVariant()
{
    QFETCH(int, method);
    const data::Dataset train = blobs(600, 6, 3, 8);
    const data::Dataset test = blobs(300, 6, 3, 8); // same centres, other noise draws? (seeded)
    QuantTrainOptions o = quickOptions(TrainMethod(method), 4);
    const QuantTrainedModel r = trainQuantized(smallMlp(6, 3), train, &test, &test, o);
    QVERIFY2(r.result.testAccuracy > 0.9, qPrintable(QString::number(r.result.testAccuracy)));
    QCOMPARE(int(r.result.epochs.size()), 4);
    QVERIFY(r.result.epochs.back().validationAccuracy > 0.9);
    if (TrainMethod(method) == TrainMethod::Fp32) {
        QVERIFY(!r.hasVariant);
        return;
    }
    // Saved with its variant, the model evaluates to the accuracy training reported.
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("m.fmodel")).toStdString();
    saveModel(r.model, path, {numeric::variantToJson(r.variant)});
    const ModelFile file = loadModelFile(path);
    QCOMPARE(int(file.variants.size()), 1);
    const numeric::Variant v = numeric::variantFromJson(file.variants[0], path);
    QCOMPARE(v.assignment, r.result.format);
    const numeric::VariantEngine engine(file.model, v);
    const Outputs out = engine.run(test.x.data(), test.size());
    QCOMPARE(accuracy(out.predictions(), test.y), r.result.testAccuracy);
    // The JSON carries what the report reads.
    const QJsonObject json
        = QJsonDocument::fromJson(QByteArray::fromStdString(r.result.toJson())).object();
    for (const char *key : {"test_accuracy", "train_energy_pj", "train_gemm_energy_pj",
                            "param_memory_bytes", "final_bits", "epochs", "bit_history"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QCOMPARE(json[QStringLiteral("method")].toString().toStdString(),
             methodName(TrainMethod(method)));
}

void TestEdgeTrain::accounting()
{
    const data::Dataset d = blobs(320, 6, 3, 4); // 10 batches of 32
    const Model m = smallMlp(6, 3);              // flatten, 6x16 dense, relu, 16x3 dense, softmax
    const double macs = 6 * 16 + 16 * 3;
    std::map<int, TrainingResult> results;
    for (TrainMethod method : {TrainMethod::Fp32, TrainMethod::Qat, TrainMethod::Rct}) {
        QuantTrainOptions o = quickOptions(method, 2);
        results[int(method)] = trainQuantized(m, d, nullptr, nullptr, o).result;
    }
    for (const auto &[method, r] : results) {
        QCOMPARE(r.total.macs.forward, 2 * 10 * 32 * macs);
        QCOMPARE(r.total.macs.backwardWeight, 2 * 10 * 32 * macs);
        // The first layer computes no input gradient.
        QCOMPARE(r.total.macs.backwardInput, 2 * 10 * 32 * 16.0 * 3);
        QCOMPARE(r.total.layers[0].macs.backwardInput, 0.0);
        QCOMPARE(int(r.epochs.size()), 2);
        QCOMPARE(r.epochs[0].macs.forward, 10 * 32 * macs);
        for (const std::string preset : {"asic45", "cortex-m4f"}) {
            QVERIFY(r.gemmEnergy_pj(preset) > 0);
            QVERIFY(r.trainEnergy_pj(preset) >= r.gemmEnergy_pj(preset));
            QCOMPARE(r.epochs[0].energy.at(preset).gemm_pj + r.epochs[1].energy.at(preset).gemm_pj,
                     r.gemmEnergy_pj(preset));
        }
    }
    const TrainingResult &fp = results[int(TrainMethod::Fp32)];
    const TrainingResult &qat = results[int(TrainMethod::Qat)];
    const TrainingResult &rct = results[int(TrainMethod::Rct)];
    // Integer GEMMs cost less than float ones: rct (all passes integer) < qat (integer
    // forward) < fp32.
    QVERIFY(rct.gemmEnergy_pj("asic45") < qat.gemmEnergy_pj("asic45"));
    QVERIFY(qat.gemmEnergy_pj("asic45") < fp.gemmEnergy_pj("asic45"));
    // Parameter memory, bit by bit.
    const int64_t params = m.parameterCount();
    QCOMPARE(fp.parameterMemory.weightBits, params * 32);
    QCOMPARE(fp.parameterMemory.optimizerBits, params * 64);
    int64_t rctBits = 0;
    const int64_t weights[2] = {6 * 16, 16 * 3};
    const int64_t biases[2] = {16, 3};
    for (int w = 0; w < 2; ++w)
        rctBits += weights[w] * rct.finalBits[size_t(w)] + biases[w] * 16 + 32;
    QCOMPARE(rct.parameterMemory.totalBits(), rctBits);
    QCOMPARE(qat.parameterMemory.weightBits, (6 * 16 + 16 * 3) * 8 + 19 * 32);
}

void TestEdgeTrain::deterministicAcrossThreads_data()
{
    QTest::addColumn<int>("method");
    QTest::newRow("qat") << int(TrainMethod::Qat);
    QTest::newRow("rct") << int(TrainMethod::Rct);
}

void TestEdgeTrain::deterministicAcrossThreads()
{
    QFETCH(int, method);
    const data::Dataset d = squares(128, 12, 9);
    QuantTrainOptions o = quickOptions(TrainMethod(method), 2);
    o.train.augmentShift = 1;
    o.rct.every = 2;
    QuantTrainedModel one, two;
    {
        ThreadLimit limit(1);
        one = trainQuantized(smallCnn(12), d, &d, &d, o);
    }
    {
        ThreadLimit limit(2);
        two = trainQuantized(smallCnn(12), d, &d, &d, o);
    }
    QVERIFY(sameBits(allParams(one.model), allParams(two.model)));
    QCOMPARE(one.result.finalBits, two.result.finalBits);
    QCOMPARE(one.result.stepLoss, two.result.stepLoss);
    QCOMPARE(one.result.testAccuracy, two.result.testAccuracy);
    QCOMPARE(one.result.bitHistory.size(), two.result.bitHistory.size());
    for (size_t i = 0; i < one.result.bitHistory.size(); ++i)
        QCOMPARE(one.result.bitHistory[i].bits, two.result.bitHistory[i].bits);
    // Another seed gives other weights.
    o.train.seed = 8;
    const QuantTrainedModel other = trainQuantized(smallCnn(12), d, &d, &d, o);
    QVERIFY(!sameBits(allParams(one.model), allParams(other.model)));
}

void TestEdgeTrain::cancelWithinOneBatch()
{
    const data::Dataset d = squares(640, 12, 5);
    // At step 25 (inside the second epoch of 20 batches) and at step 20 (the end of the
    // first epoch: the request then arrives during the epoch's validation).
    for (int cancelAt : {25, 20}) {
        for (TrainMethod method : {TrainMethod::Qat, TrainMethod::Rct}) {
            Progress progress;
            QuantTrainOptions o = quickOptions(method, 50);
            o.train.progress = &progress;
            QElapsedTimer timer;
            int steps = 0;
            o.inspectStep = [&](const StepInspection &s) {
                steps = int(s.step);
                if (s.step == cancelAt) {
                    progress.cancel();
                    timer.start();
                }
            };
            const Model m = smallCnn(12);
            const QuantTrainedModel r = trainQuantized(m, d, &d, nullptr, o);
            QVERIFY(timer.elapsed() < 200);
            QVERIFY(r.result.cancelled);
            QCOMPARE(steps, cancelAt); // no batch started after the request
            QCOMPARE(int(r.result.epochs.size()), cancelAt == 25 ? 1 : 0);
            if (cancelAt == 20 && method == TrainMethod::Qat) // no epoch completed
                QVERIFY(sameBits(allParams(r.model), allParams(m)));
        }
    }
}

void TestEdgeTrain::badKnobs_data()
{
    QTest::addColumn<QString>("knob");
    QTest::addColumn<QString>("option");
    QTest::newRow("b_min > b_max") << "min>max"
                                   << "--rct-min";
    QTest::newRow("bits 1") << "bits1"
                            << "--bits";
    QTest::newRow("bits 17") << "bits17"
                             << "--bits";
    QTest::newRow("rct-max 20") << "max20"
                                << "--rct-max";
    QTest::newRow("T_min >= T_max") << "tmin>=tmax"
                                    << "--rct-t-min";
    QTest::newRow("every 0") << "every0"
                             << "--rct-every";
    QTest::newRow("activation bits 1") << "act1"
                                       << "--rct-act-bits";
}

void TestEdgeTrain::badKnobs()
{
    QFETCH(QString, knob);
    QFETCH(QString, option);
    QuantTrainOptions o = quickOptions(TrainMethod::Rct);
    if (knob == QLatin1String("min>max")) {
        o.rct.minBits = 9;
        o.rct.maxBits = 8;
        o.rct.initialBits = 8;
    } else if (knob == QLatin1String("bits1")) {
        o.bits = 1;
    } else if (knob == QLatin1String("bits17")) {
        o.bits = 17;
    } else if (knob == QLatin1String("max20")) {
        o.rct.maxBits = 20;
    } else if (knob == QLatin1String("tmin>=tmax")) {
        o.rct.tMin = 2.0;
        o.rct.tMax = 2.0;
    } else if (knob == QLatin1String("every0")) {
        o.rct.every = 0;
    } else if (knob == QLatin1String("act1")) {
        o.rct.activationBits = 1;
    }
    const data::Dataset d = blobs(64, 4, 2, 1);
    try {
        trainQuantized(smallMlp(4, 2), d, nullptr, nullptr, o);
        QFAIL("accepted a bad knob");
    } catch (const Error &e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith(option + QLatin1Char(':')), qPrintable(what));
        QVERIFY(!what.contains(QLatin1Char('\n')));
    }
}

void TestEdgeTrain::rejectsBatchNorm()
{
    const data::Dataset d = squares(64, 32, 1);
    Model m = makeRecipe("large", {1, 32, 32}, 4, {{}, 1});
    QuantTrainOptions o = quickOptions(TrainMethod::Rct, 1);
    QVERIFY_THROWS_EXCEPTION(Error, trainQuantized(m, d, nullptr, nullptr, o));
}

QTEST_GUILESS_MAIN(TestEdgeTrain)
#include "tst_edgetrain.moc"
