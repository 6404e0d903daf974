// The variant engine against an independent implementation of the numerics contract,
// its serial twin, thread-count invariance, calibration, per-layer errors and failures.

#include "contractreference.h"
#include "testutil.h"

#include "../model/modelfactory.h"

#include "numeric/evaluation.h"
#include "numeric/formatassignment.h"
#include "numeric/integerkernel.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"

#include "common/error.h"
#include "common/parallel.h"
#include "model/engine.h"

#include <QtTest>

#include <bit>
#include <cmath>
#include <limits>

using namespace frontier;
using namespace frontier::numeric;

namespace {

// Heads read the logits (no final softmax): the contract fixes every bit up to there,
// while softmax's forward() and forwardNaive() round differently (model/layers' business).
model::Model buildModel(const QString &kind)
{
    using test::makeLayer;
    model::Model m;
    m.name = kind.toStdString();
    if (kind == "mlp") {
        m.inputShape = {12};
        m.add(makeLayer("dense", test::units(16)), {}, "fc1");
        m.add(makeLayer("relu"), {}, "relu1");
        m.add(makeLayer("dense", test::units(10)), {}, "fc2");
        m.add(makeLayer("relu"), {}, "relu2");
        m.add(makeLayer("dense", test::units(5)), {}, "fc3");
        m.addHead("final");
    } else if (kind == "cnn") {
        m.inputShape = {2, 9, 9};
        m.add(makeLayer("conv2d", test::conv(4, 3, 1, {1})), {}, "conv1");
        m.add(makeLayer("batchnorm"), {}, "bn1");
        m.add(makeLayer("relu"), {}, "relu1");
        m.add(makeLayer("maxpool", test::pool(2, 2)), {}, "pool1");
        m.add(makeLayer("conv2d", test::conv(6, 3, 2, {1, 0, 0, 1}, 2)), {}, "conv2");
        m.add(makeLayer("relu"), {}, "relu2");
        m.add(makeLayer("flatten"), {}, "flatten");
        m.add(makeLayer("dense", test::units(5)), {}, "fc");
        m.addHead("final");
    } else { // residual with an early exit
        m.inputShape = {8};
        const int fc1 = m.add(makeLayer("dense", test::units(8)), {}, "fc1");
        const int r1 = m.add(makeLayer("relu"), {fc1}, "relu1");
        const int e = m.add(makeLayer("dense", test::units(4)), {r1}, "exit_fc");
        const int fc2 = m.add(makeLayer("dense", test::units(8)), {r1}, "fc2");
        const int add = m.add(makeLayer("add"), {fc2, r1}, "add");
        const int r2 = m.add(makeLayer("relu"), {add}, "relu2");
        m.add(makeLayer("dense", test::units(4)), {r2}, "fc3");
        m.addHead("exit1", e);
        m.addHead("final");
    }
    m.initialize(7);
    test::randomizeBatchNorms(m, 8);
    Random rng(9);
    for (auto &layer : m.layers) {
        if (model::Param *b = layer->param("bias"))
            for (float &v : b->value)
                v = float(rng.uniform(-0.5, 0.5));
    }
    return m;
}

bool sameBits(const std::vector<float> &a, const std::vector<float> &b, QString *where)
{
    if (a.size() != b.size()) {
        *where = QStringLiteral("sizes %1 and %2").arg(a.size()).arg(b.size());
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        const bool nan = std::isnan(a[i]) && std::isnan(b[i]);
        if (!nan && std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i])) {
            *where = QStringLiteral("element %1: %2 vs %3")
                         .arg(i)
                         .arg(double(a[i]), 0, 'g', 10)
                         .arg(double(b[i]), 0, 'g', 10);
            return false;
        }
    }
    return true;
}

bool sameOutputs(const model::Outputs &a, const model::Outputs &b, QString *where)
{
    if (a.heads.size() != b.heads.size())
        return false;
    for (size_t h = 0; h < a.heads.size(); ++h) {
        if (!sameBits(a.heads[h], b.heads[h], where))
            return false;
    }
    return true;
}

const QStringList kModels = {"mlp", "cnn", "residual"};

} // namespace

class TestVariantEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contractAgreement_data();
    void contractAgreement();
    void threadsAndBlocks_data();
    void threadsAndBlocks();
    void fp32MatchesModelEngine();
    void calibrationRanges();
    void layerErrors();
    void saturationExact();
    void stochasticRoundingWeights();
    void failures();
    void footprint();
    void evaluator();
};

void TestVariantEngine::contractAgreement_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("saturates"); // the accumulator must clip something
    QStringList formats;
    for (int b = 2; b <= 16; ++b)
        formats << QStringLiteral("int%1").arg(b);
    formats << "w4a8"
            << "w8a4"
            << "w2a16"
            << "w16a8"
            << "int8:pt"
            << "int8:sym"
            << "int4:sym:pt"
            << "int16:acc64"
            << "int8:cal=percentile"
            << "int6:cal=mse"
            << "q4.4"
            << "q8.8"
            << "q2.6"
            << "q4.12"
            << "q1.15"
            << "q6.2"
            << "fp16"
            << "bf16"
            << "fp8e4m3"
            << "fp8e5m2"
            << "e4m3"
            << "e3m2:inf"
            << "e2m1"
            << "e6m9"
            << "fp16:acc"
            << "bf16:acc"
            << "fp8e4m3:acc"
            << "fp8e5m2:acc"
            << "e8m23"
            << "e8m20"
            << "e7m16:acc"
            << "w4a8;first=int8;last=fp16"
            << "fp16;first=q4.4;last=int3";
    for (const QString &m : kModels) {
        for (const QString &f : formats)
            QTest::newRow(qPrintable(m + " " + f)) << m << f << false;
        for (const QString &f : {QStringLiteral("int8:acc16"), QStringLiteral("int6:acc12"),
                                 QStringLiteral("w4a8:acc12"), QStringLiteral("q4.4:acc10")})
            QTest::newRow(qPrintable(m + " " + f)) << m << f << true;
    }
}

void TestVariantEngine::contractAgreement()
{
    QFETCH(QString, model);
    QFETCH(QString, format);
    QFETCH(bool, saturates);
    const model::Model m = buildModel(model);
    const int n = 37;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 21, -1.0, 2.0);
    const std::vector<float> cal = test::randomInput(50, m.inputShape, 22, -1.0, 2.0);
    const Variant v = makeVariant(m, format.toStdString(), cal.data(), 50, "random");
    const VariantEngine engine(m, v);
    model::RunOptions options;
    options.blockSize = 8;
    const model::Outputs fast = engine.run(x.data(), n, options);
    const std::vector<float> want
        = test::contract::run(m, variantLayerFormats(m, v), v.calibration, x.data(), n);
    QString where;
    QVERIFY2(sameBits(fast.heads.back(), want, &where), qPrintable(where));
    const model::Outputs serial = engine.runSerial(x.data(), n);
    QVERIFY2(sameOutputs(fast, serial, &where), qPrintable("serial twin: " + where));

    if (saturates) {
        // The narrow accumulator must make a difference, else the row proves nothing.
        const std::string wide = format.left(format.indexOf(":acc")).toStdString();
        const VariantEngine wideEngine(m, makeVariant(m, wide, cal.data(), 50, "random"));
        QVERIFY(!sameBits(wideEngine.run(x.data(), n).heads.back(), fast.heads.back(), &where));
        bool anySaturating = false;
        for (size_t w = 0; w < engine.weightedLayers().size(); ++w)
            anySaturating
                = anySaturating
                  || engine.kernel(int(w)).describe().find("saturating") != std::string::npos;
        QVERIFY(anySaturating);
    }
}

void TestVariantEngine::threadsAndBlocks_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("format");
    for (const QString &m : kModels) {
        for (const char *f : {"int8", "int16", "int4:acc12", "q4.12", "fp16", "fp8e4m3:acc", "sc6",
                              "sc7:ld", "sc6:stat", "fp32", "fp64"})
            QTest::newRow(qPrintable(m + " " + f)) << m << QString::fromLatin1(f);
    }
}

void TestVariantEngine::threadsAndBlocks()
{
    QFETCH(QString, model);
    QFETCH(QString, format);
    const model::Model m = buildModel(model);
    const int n = 45;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 31, -1.0, 2.0);
    const Variant v = makeVariant(m, format.toStdString(), x.data(), n, "self");
    const VariantEngine engine(m, v);
    model::RunOptions options;
    options.blockSize = 4;
    model::Outputs one;
    model::Outputs two;
    {
        const ThreadLimit limit(1);
        one = engine.run(x.data(), n, options);
    }
    {
        const ThreadLimit limit(2);
        two = engine.run(x.data(), n, options);
    }
    QString where;
    QVERIFY2(sameOutputs(one, two, &where), qPrintable("threads: " + where));
    // Exact formats do not depend on the block size either.
    const bool exact = !format.startsWith("fp32") && !format.startsWith("fp64");
    options.blockSize = 64;
    const model::Outputs big = engine.run(x.data(), n, options);
    if (exact) {
        QVERIFY2(sameOutputs(one, big, &where), qPrintable("blocks: " + where));
        QVERIFY2(sameOutputs(one, engine.runSerial(x.data(), n), &where),
                 qPrintable("serial: " + where));
    } else {
        const model::Outputs serial = engine.runSerial(x.data(), n);
        QVERIFY(test::maxRelDiff(one.heads.back(), serial.heads.back()) < 1e-5);
    }
}

// fp32 layers run the layers' own forward(); model::Engine runs prepared copies (packed
// GEMM), so the two agree within float rounding.
void TestVariantEngine::fp32MatchesModelEngine()
{
    for (const QString &kind : kModels) {
        const model::Model m = buildModel(kind);
        const std::vector<float> x = test::randomInput(70, m.inputShape, 41);
        const VariantEngine fp32(m, makeVariant(m, "fp32", nullptr, 0, ""));
        const model::Engine engine(m);
        const model::Outputs a = fp32.run(x.data(), 70);
        const model::Outputs b = engine.run(x.data(), 70);
        for (size_t h = 0; h < a.heads.size(); ++h)
            QVERIFY(test::maxRelDiff(a.heads[h], b.heads[h]) < 1e-5);
        QCOMPARE(fp32.foldedCount(), engine.foldedCount());
    }
}

void TestVariantEngine::calibrationRanges()
{
    // Observed min/max equal those of the fp32 model's activations, computed here with the
    // serial twin of the model engine (within float rounding).
    const model::Model m = buildModel("mlp");
    const int n = 100;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 51, -1.0, 2.0);
    const Variant v = makeVariant(m, "int8", x.data(), n, "self");
    QCOMPARE(v.calibration.size(), size_t(3));
    float mn = INFINITY, mx = -INFINITY;
    for (float f : x) {
        mn = std::min(mn, f);
        mx = std::max(mx, f);
    }
    QCOMPARE(v.calibration[0].layer, std::string("fc1"));
    QCOMPARE(v.calibration[0].input.min, mn);
    QCOMPARE(v.calibration[0].input.max, mx);
    QVERIFY(!v.calibration[0].hasOutput);
    QVERIFY(v.calibration[2].hasOutput);
    // fc3's input is relu2's output: min 0.
    QCOMPARE(v.calibration[2].input.min, 0.0f);
    // Output range of fc3 (the head) from the model engine's serial twin.
    const model::Outputs logits = model::Engine(m).runSerial(x.data(), n);
    float lo = INFINITY, hi = -INFINITY;
    for (float f : logits.heads.back()) {
        lo = std::min(lo, f);
        hi = std::max(hi, f);
    }
    FRONTIER_COMPARE_REL(v.calibration[2].output.min, lo, 1e-5);
    FRONTIER_COMPARE_REL(v.calibration[2].output.max, hi, 1e-5);
    // Only the first 512 are used by callers; here all n are.
    QCOMPARE(v.calibrationSamples, n);
    // Result independent of the thread count.
    const ThreadLimit one(1);
    const Variant again = makeVariant(m, "int8:cal=percentile", x.data(), n, "self");
    const ThreadLimit two(2);
    const Variant again2 = makeVariant(m, "int8:cal=percentile", x.data(), n, "self");
    for (size_t i = 0; i < again.calibration.size(); ++i) {
        QCOMPARE(again.calibration[i].input.min, again2.calibration[i].input.min);
        QCOMPARE(again.calibration[i].input.max, again2.calibration[i].input.max);
    }
}

void TestVariantEngine::layerErrors()
{
    const model::Model m = buildModel("cnn");
    const int n = 64;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 61, -1.0, 2.0);
    const VariantEngine reference(m, std::vector<FormatSpec>());
    double last = -INFINITY;
    for (const char *f : {"int3", "int5", "int8", "int12"}) {
        const VariantEngine e(m, makeVariant(m, f, x.data(), n, "self"));
        const std::vector<LayerError> errors = e.compare(reference, x.data(), n);
        QCOMPARE(errors.size(), size_t(3));
        const double sqnr = errors.back().sqnrDb();
        QVERIFY2(sqnr > last + 3, qPrintable(QStringLiteral("%1: %2 dB").arg(f).arg(sqnr)));
        last = sqnr;
    }
    const std::vector<LayerError> self = reference.compare(reference, x.data(), n);
    QVERIFY(std::isinf(self[0].sqnrDb()));
}

void TestVariantEngine::saturationExact()
{
    // One dense unit, 4 inputs at the top of the range, weights at +max: every product is
    // 255 * 127 = 32385 (int8: zp = -128 for range [0, x]), the bias 0.
    model::Model m;
    m.name = "sat";
    m.inputShape = {4};
    m.add(test::makeLayer("dense", test::units(1)), {}, "fc");
    m.addHead("final");
    m.initialize(1);
    m.layers[0]->param("weight")->value = {1.0f, 1.0f, 1.0f, 1.0f};
    m.layers[0]->param("bias")->value = {0.0f};
    const std::vector<float> x = {2.55f, 2.55f, 2.55f, 2.55f};
    Variant v = makeVariant(m, "int8", x.data(), 1, "x");
    v.calibration[0].input = {0.0f, 2.55f};
    v.calibration[0].output = {0.0f, 100.0f};
    for (int bits : {16, 17, 18, 32}) {
        Variant w = v;
        w.formats[0] = "int8:acc" + std::to_string(bits);
        const VariantEngine e(m, w);
        const auto &k = dynamic_cast<const IntegerKernel &>(e.kernel(0));
        const int64_t cap = (int64_t(1) << (bits - 1)) - 1;
        const int64_t acc = std::min<int64_t>(4 * 255 * 127, cap);
        const float s = k.inputParams().scale * k.weightParams(0).scale;
        const float y = float(acc) * s;
        const numeric::AffineParams out = activationParams(0.0f, 100.0f, 8, false);
        const float expected = fakeQuantize(y, out);
        QCOMPARE(e.run(x.data(), 1).heads[0][0], expected);
        QCOMPARE(e.runSerial(x.data(), 1).heads[0][0], expected);
    }
}

void TestVariantEngine::stochasticRoundingWeights()
{
    const model::Model m = buildModel("mlp");
    const std::vector<float> x = test::randomInput(20, m.inputShape, 71);
    const VariantEngine nearest(m, makeVariant(m, "int4", x.data(), 20, ""));
    const VariantEngine sr(m, makeVariant(m, "int4:sr", x.data(), 20, ""));
    const VariantEngine sr1(m, makeVariant(m, "int4:sr:seed=1", x.data(), 20, ""));
    const VariantEngine srAgain(m, makeVariant(m, "int4:sr", x.data(), 20, ""));
    const auto &a = dynamic_cast<const IntegerKernel &>(nearest.kernel(0));
    const auto &b = dynamic_cast<const IntegerKernel &>(sr.kernel(0));
    const auto &c = dynamic_cast<const IntegerKernel &>(sr1.kernel(0));
    const auto &d = dynamic_cast<const IntegerKernel &>(srAgain.kernel(0));
    int differ = 0, seedDiffer = 0;
    for (int ch = 0; ch < 16; ++ch) {
        for (int k = 0; k < 12; ++k) {
            QVERIFY(std::abs(a.code(ch, k) - b.code(ch, k)) <= 1);
            QCOMPARE(b.code(ch, k), d.code(ch, k));
            differ += a.code(ch, k) != b.code(ch, k);
            seedDiffer += b.code(ch, k) != c.code(ch, k);
        }
    }
    QVERIFY(differ > 10);
    QVERIFY(seedDiffer > 10);
    QString where;
    QVERIFY(sameOutputs(sr.run(x.data(), 20), sr.runSerial(x.data(), 20), &where));
}

void TestVariantEngine::failures()
{
    model::Model m = buildModel("mlp");
    const std::vector<float> x = test::randomInput(10, m.inputShape, 81);
    // No calibration data for an integer format.
    QVERIFY_THROWS_EXCEPTION(Error, makeVariant(m, "int8", nullptr, 0, ""));
    // Minifloats need none.
    QCOMPARE(makeVariant(m, "fp16", nullptr, 0, "").calibration.size(), size_t(0));
    // A variant naming a layer the model lacks.
    Variant v = makeVariant(m, "int8", x.data(), 10, "");
    v.layers[1] = "nope";
    QVERIFY_THROWS_EXCEPTION(Error, VariantEngine(m, v));
    // A variant that misses one of the model's weighted layers (made for another model).
    v = makeVariant(m, "int8", x.data(), 10, "");
    v.layers.pop_back();
    v.formats.pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, VariantEngine(m, v));
    // Calibration missing for one layer.
    v = makeVariant(m, "int8", x.data(), 10, "");
    v.calibration.pop_back();
    QVERIFY_THROWS_EXCEPTION(Error, VariantEngine(m, v));
    // Non-finite weights cannot be quantized.
    model::Model bad = m;
    bad.layers[0]->param("weight")->value[3] = std::numeric_limits<float>::infinity();
    QVERIFY_THROWS_EXCEPTION(Error, makeVariant(bad, "int8", x.data(), 10, ""));
    QVERIFY_THROWS_EXCEPTION(Error, VariantEngine(bad, makeVariant(bad, "fp16", nullptr, 0, "")));
    // A model without weighted layers has nothing to quantize.
    model::Model plain;
    plain.inputShape = {3};
    plain.add(test::makeLayer("softmax"));
    plain.addHead("final");
    QVERIFY_THROWS_EXCEPTION(Error, makeVariant(plain, "int8", x.data(), 1, ""));
    // Cancellation.
    Progress progress;
    progress.cancel();
    model::RunOptions options;
    options.progress = &progress;
    const VariantEngine e(m, makeVariant(m, "int8", x.data(), 10, ""));
    QVERIFY_THROWS_EXCEPTION(Cancelled, e.run(x.data(), 10, options));
}

void TestVariantEngine::footprint()
{
    const model::Model m = buildModel("cnn");
    const std::vector<float> x = test::randomInput(10, m.inputShape, 91);
    const Variant v8 = makeVariant(m, "int8", x.data(), 10, "");
    const Variant v4 = makeVariant(m, "w4a8;last=int8", x.data(), 10, "");
    const Variant f32 = makeVariant(m, "fp32", nullptr, 0, "");
    // conv1 4*2*9 weights + 4 biases, conv2 6*2*9 + 6, fc 5*24 + 5.
    const int64_t weights = 72 + 108 + 120;
    const int64_t biases = 4 + 6 + 5;
    QCOMPARE(v8.footprint.parameterBits, weights * 8 + biases * 32);
    QCOMPARE(f32.footprint.parameterBits, (weights + biases) * 32);
    QCOMPARE(v4.footprint.parameterBits, (72 + 108) * 4 + 120 * 8 + biases * 32);
    // The folded BatchNorm costs nothing.
    QCOMPARE(v8.footprint.layers[1].format, std::string("folded"));
    QCOMPARE(v8.footprint.layers[1].parameterBits, int64_t(0));
    // Peak activations: the largest live set is relu1 reading conv1's 4x9x9 output and
    // writing its own (both 8-bit in int8: they feed conv2 through the pool).
    QCOMPARE(v8.footprint.peakActivationBits, (4 * 81 + 4 * 81) * 8);
    QCOMPARE(f32.footprint.peakActivationBits, (4 * 81 + 4 * 81) * 32);
    QCOMPARE(v8.footprint.inputBits, 2 * 81 * 8);
}

void TestVariantEngine::evaluator()
{
    model::Model m = buildModel("mlp");
    const int n = 200;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 101, -1.0, 2.0);
    std::vector<int> labels(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        labels[size_t(i)] = i % 5;
    const VariantEvaluator ev(m, x.data(), n, labels);
    // Margins of a logits head: softmax computed in double, top-1 minus top-2.
    const SampleOutputs &ref = ev.reference();
    QCOMPARE(ref.n, n);
    QCOMPARE(ref.classes, 5);
    for (int i = 0; i < 3; ++i) {
        std::vector<double> p(5);
        double sum = 0;
        for (int c = 0; c < 5; ++c)
            sum += p[size_t(c)] = std::exp(double(ref.scores[size_t(i * 5 + c)]));
        std::sort(p.begin(), p.end());
        FRONTIER_COMPARE_REL(ref.margins[size_t(i)], (p[4] - p[3]) / sum, 1e-6);
    }
    // fp32 is the reference itself.
    const VariantReport same = ev.evaluate(makeVariant(m, "fp32", nullptr, 0, ""), true);
    QCOMPARE(same.flipped, 0);
    QCOMPARE(same.fidelity, 1.0);
    QCOMPARE(same.accuracy, ev.referenceAccuracy());
    for (const LayerReport &l : same.layers) {
        QCOMPARE(l.flips, 0);
        QVERIFY(std::isinf(l.sqnrDb));
    }
    // int2 flips many predictions; fidelity and flipped agree; per-layer flips add up to
    // something and every layer reports a finite SQNR.
    const VariantReport r = ev.evaluate(makeVariant(m, "int2", x.data(), n, ""), true);
    QVERIFY(r.flipped > 0);
    QCOMPARE(r.fidelity, double(n - r.flipped) / n);
    int predictionsDiffer = 0;
    for (int i = 0; i < n; ++i)
        predictionsDiffer += r.outputs.predictions[size_t(i)] != ref.predictions[size_t(i)];
    QCOMPARE(predictionsDiffer, r.flipped);
    QCOMPARE(r.layers.size(), size_t(3));
    int layerFlips = 0;
    for (const LayerReport &l : r.layers) {
        QVERIFY(std::isfinite(l.sqnrDb));
        QVERIFY(l.flips >= 0 && l.flips <= n);
        layerFlips += l.flips;
    }
    QVERIFY(layerFlips > 0);
    // Softmax heads report their own scores as probabilities.
    model::Model withSoftmax = m;
    withSoftmax.add(test::makeLayer("softmax"), {}, "softmax");
    withSoftmax.heads.back().layer = int(withSoftmax.layers.size()) - 1;
    const VariantEvaluator ev2(withSoftmax, x.data(), n, {});
    QCOMPARE(ev2.referenceAccuracy(), -1.0);
    for (int i = 0; i < 3; ++i)
        FRONTIER_COMPARE_REL(ev2.reference().margins[size_t(i)], ref.margins[size_t(i)], 1e-5);
}

QTEST_GUILESS_MAIN(TestVariantEngine)
#include "tst_variantengine.moc"
