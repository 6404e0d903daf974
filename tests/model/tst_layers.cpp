// Tests of the layer kernels: every optimised forward() against its naive twin, every
// backward() against central finite differences, shape and attribute errors, the
// attribute round trip through the registry, BatchNorm folding and statistics.

#include "model/layers/batchnorm.h"
#include "model/layers/layer.h"

#include "common/error.h"
#include "common/random.h"

#include "testutil.h"

#include <QElapsedTimer>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

using namespace frontier;
using namespace frontier::model;
using frontier::test::maxRelDiff;

namespace {

// "units=5;kernel=3,3" -> {{"units", {5}}, {"kernel", {3, 3}}}
Attributes parseAttributes(const QString &text)
{
    Attributes a;
    const QStringList items = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &item : items) {
        const QStringList kv = item.split(QLatin1Char('='));
        std::vector<double> values;
        for (const QString &v : kv.value(1).split(QLatin1Char(','), Qt::SkipEmptyParts))
            values.push_back(v.toDouble());
        a[kv.value(0).toStdString()] = values;
    }
    return a;
}

// "3x9x9|3x9x9" -> {{3, 9, 9}, {3, 9, 9}}
std::vector<Shape> parseShapes(const QString &text)
{
    std::vector<Shape> shapes;
    for (const QString &s : text.split(QLatin1Char('|'))) {
        Shape shape;
        for (const QString &d : s.split(QLatin1Char('x')))
            shape.push_back(d.toInt());
        shapes.push_back(shape);
    }
    return shapes;
}

void fillUniform(std::vector<float> &v, Random &rng, double lo, double hi)
{
    for (float &x : v)
        x = float(rng.uniform(lo, hi));
}

// A named, initialised layer whose params are all non-trivial (random biases and
// BatchNorm statistics too).
std::unique_ptr<Layer> makeLayer(const QString &type, const Attributes &attributes,
                                 const std::vector<Shape> &inputs, uint64_t seed)
{
    std::unique_ptr<Layer> layer = createLayer(type.toStdString(), attributes);
    layer->name = "l";
    layer->initialize(inputs, seed);
    Random rng(seed + 1);
    for (Param &p : layer->params()) {
        if (p.name == "bias" || p.name == "beta" || p.name == "running_mean")
            fillUniform(p.value, rng, -0.5, 0.5);
        else if (p.name == "gamma" || p.name == "running_var")
            fillUniform(p.value, rng, 0.5, 1.5);
    }
    return layer;
}

std::vector<Tensor> randomInputs(const std::vector<Shape> &shapes, int n, Random &rng)
{
    std::vector<Tensor> inputs;
    for (const Shape &s : shapes) {
        Tensor t(n, s);
        fillUniform(t.data, rng, -1.0, 1.0);
        inputs.push_back(std::move(t));
    }
    return inputs;
}

std::vector<const Tensor *> pointers(const std::vector<Tensor> &tensors)
{
    std::vector<const Tensor *> p;
    for (const Tensor &t : tensors)
        p.push_back(&t);
    return p;
}

// Moves every value at least `gap` away from each kink (non-differentiable point).
void avoidKinks(std::vector<float> &v, const std::vector<float> &kinks, float gap)
{
    for (float &x : v) {
        for (float k : kinks) {
            if (std::abs(x - k) < gap)
                x = x < k ? k - gap - std::abs(x - k) : k + gap + std::abs(x - k);
        }
    }
}

double weightedSum(const Tensor &out, const Tensor &r)
{
    double s = 0;
    for (size_t i = 0; i < out.data.size(); ++i)
        s += double(out.data[i]) * double(r.data[i]);
    return s;
}

// Up to `count` indices spread over [0, size).
std::vector<size_t> sampleIndices(size_t size, size_t count, Random &rng)
{
    std::vector<size_t> all(size);
    for (size_t i = 0; i < size; ++i)
        all[i] = i;
    if (size <= count)
        return all;
    rng.shuffle(all);
    all.resize(count);
    return all;
}

struct GradientCheck
{
    std::vector<float> analytic;
    std::vector<float> numeric;
};

} // namespace

class TestLayers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forwardMatchesNaive_data();
    void forwardMatchesNaive();
    void gradients_data();
    void gradients();
    void maxPoolTiesAndPadding();
    void backwardAccumulatesParamGradients_data();
    void backwardAccumulatesParamGradients();
    void shapeErrors_data();
    void shapeErrors();
    void attributeErrors_data();
    void attributeErrors();
    void attributesRoundTrip_data();
    void attributesRoundTrip();
    void registryListsEveryType();
    void relu6IsClip();
    void batchNormFolding_data();
    void batchNormFolding();
    void batchNormFoldRejectsOthers();
    void batchNormRunningStats();
    void stats_data();
    void stats();
    void initializeIsSeeded();
    void cloneIsDeep();
    void forwardErrors();
    void convTiming();
};

// Rows shared by the forward and gradient tests: type, attributes, input shape(s), batch.
static void addLayerRows(bool forGradients)
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("shapes");
    QTest::addColumn<int>("batch");

    struct Row
    {
        const char *name, *type, *attributes, *shapes;
        int batch;
    };
    const Row rows[] = {
        {"dense", "dense", "units=7", "3x5x5", 7},
        {"dense batch 1", "dense", "units=5", "13", 1},
        {"dense batch 65", "dense", "units=10", "37", 65},
        {"conv 3x3", "conv2d", "filters=4;kernel=3,3", "3x9x9", 7},
        {"conv stride 2 pad 1", "conv2d", "filters=5;kernel=3,3;stride=2,2;pad=1,1,1,1", "3x11x11",
         65},
        {"conv groups 2", "conv2d", "filters=6;kernel=3,3;groups=2;pad=1", "4x8x7", 7},
        {"conv depthwise", "conv2d", "filters=6;kernel=3,3;groups=6;pad=1,1,1,1", "6x10x10", 7},
        {"conv non-square", "conv2d", "filters=3;kernel=2,5;stride=1,2;pad=0,2,1,2", "2x9x13", 1},
        {"conv asymmetric", "conv2d", "filters=4;kernel=4,3;stride=3,2;pad=2,1,0,1", "3x13x12", 65},
        {"conv pointwise", "conv2d", "filters=8;kernel=1,1", "5x6x6", 7},
        {"conv small maps", "conv2d", "filters=8;kernel=3,3", "4x4x4", 65},
        {"conv lenet 1", "conv2d", "filters=6;kernel=5,5;pad=2", "1x28x28", 7},
        {"conv lenet 2", "conv2d", "filters=16;kernel=5,5", "6x14x14", 65},
        {"maxpool 2x2", "maxpool", "kernel=2,2", "3x8x8", 7},
        {"maxpool 3x3 s2 pad", "maxpool", "kernel=3,3;stride=2,2;pad=1,1,1,1", "2x9x9", 65},
        {"maxpool non-square", "maxpool", "kernel=2,3;stride=1,2;pad=0,1,1,2", "3x7x10", 1},
        {"avgpool 2x2", "avgpool", "kernel=2,2", "3x8x8", 7},
        {"avgpool excl pad", "avgpool", "kernel=3,3;stride=2,2;pad=1,1,1,1", "2x9x9", 65},
        {"avgpool incl pad", "avgpool", "kernel=3,2;stride=2,1;pad=1,1,2,0;count_include_pad=1",
         "3x7x6", 1},
        {"globalavgpool", "globalavgpool", "", "5x7x3", 7},
        {"batchnorm image", "batchnorm", "", "4x5x5", 7},
        {"batchnorm vector", "batchnorm", "eps=0.001;momentum=0.2", "9", 65},
        {"relu", "relu", "", "3x4x5", 7},
        {"leakyrelu", "leakyrelu", "alpha=0.2", "3x4x5", 7},
        {"clip", "clip", "min=-0.5;max=0.7", "3x4x5", 7},
        {"relu6", "relu6", "", "3x4x5", 1},
        {"sigmoid", "sigmoid", "", "3x4x5", 7},
        {"tanh", "tanh", "", "17", 65},
        {"flatten", "flatten", "", "3x4x5", 7},
        {"reshape", "reshape", "shape=0,-1", "3x4x5", 7},
        {"reshape 3-d", "reshape", "shape=5,-1,2", "3x4x5", 1},
        {"softmax", "softmax", "", "10", 65},
        {"softmax odd", "softmax", "", "37", 1},
        {"add", "add", "", "3x4x5|3x4x5", 7},
    };
    for (const Row &r : rows) {
        // Gradient checks perturb elements one by one: batches of at most 5 (7 for conv2d,
        // so that im2col still blocks several samples).
        int batch = r.batch;
        if (forGradients)
            batch = std::min(batch, std::string(r.type) == "conv2d" ? 7 : 5);
        QTest::newRow(r.name) << QString::fromLatin1(r.type) << QString::fromLatin1(r.attributes)
                              << QString::fromLatin1(r.shapes) << batch;
    }
}

void TestLayers::forwardMatchesNaive_data()
{
    addLayerRows(false);
}

void TestLayers::forwardMatchesNaive()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    QFETCH(int, batch);

    const std::vector<Shape> inShapes = parseShapes(shapes);
    const std::unique_ptr<Layer> layer = makeLayer(type, parseAttributes(attributes), inShapes, 7);
    Random rng(11);
    const std::vector<Tensor> inputs = randomInputs(inShapes, batch, rng);
    const std::vector<const Tensor *> in = pointers(inputs);

    Tensor fast, naive;
    Workspace ws;
    layer->forward(in, fast, ws);
    layer->forwardNaive(in, naive);
    QCOMPARE(fast.n, batch);
    QCOMPARE(fast.shape, layer->outputShape(inShapes));
    QCOMPARE(naive.shape, fast.shape);
    const double diff = maxRelDiff(fast.data, naive.data);
    QVERIFY2(diff <= 1e-6, qPrintable(QStringLiteral("max rel. diff %1").arg(diff)));

    // Again with the workspace warm and the output reused: same result.
    Tensor again = fast;
    layer->forward(in, again, ws);
    QCOMPARE(again.data, fast.data);
}

void TestLayers::gradients_data()
{
    addLayerRows(true);
    QTest::addColumn<bool>("corrupt");
    // Every row checks a correct gradient; "... (corrupted)" rows check that a gradient
    // with one wrong entry is caught.
}

void TestLayers::gradients()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    QFETCH(int, batch);

    for (const bool corrupt : {false, true}) {
        const std::vector<Shape> inShapes = parseShapes(shapes);
        const Attributes attrs = parseAttributes(attributes);
        const std::unique_ptr<Layer> layer = makeLayer(type, attrs, inShapes, 3);
        Random rng(5);
        std::vector<Tensor> inputs = randomInputs(inShapes, batch, rng);
        const float eps = 2e-3f;

        // Keep inputs away from non-differentiable points by more than eps.
        if (type == QLatin1String("relu") || type == QLatin1String("leakyrelu"))
            avoidKinks(inputs[0].data, {0.0f}, 0.02f);
        if (type == QLatin1String("clip"))
            avoidKinks(inputs[0].data, {-0.5f, 0.7f}, 0.02f);
        if (type == QLatin1String("relu6")) {
            for (float &x : inputs[0].data)
                x *= 7.0f;
            avoidKinks(inputs[0].data, {0.0f, 6.0f}, 0.05f);
        }
        if (type == QLatin1String("maxpool")) {
            // Distinct values 0.01 apart: no perturbation changes an argmax.
            std::vector<float> values(inputs[0].data.size());
            for (size_t i = 0; i < values.size(); ++i)
                values[i] = 0.01f * float(i) - 0.005f * float(values.size());
            rng.shuffle(values);
            inputs[0].data = values;
        }

        const std::vector<const Tensor *> in = pointers(inputs);
        Workspace ws;
        LayerCache cache;
        Tensor out;
        layer->forwardTrain(in, out, ws, cache);
        Tensor r(out.n, out.shape);
        fillUniform(r.data, rng, -1.0, 1.0);

        std::vector<Tensor> gradIn(inputs.size());
        std::vector<Tensor *> gradInPtrs;
        for (Tensor &g : gradIn)
            gradInPtrs.push_back(&g);
        std::vector<std::vector<float>> gradParams(layer->params().size());
        for (size_t p = 0; p < layer->params().size(); ++p)
            gradParams[p].assign(layer->params()[p].value.size(), 0.0f);
        layer->backward(in, out, r, gradInPtrs, gradParams, cache, ws);

        auto loss = [&]() {
            Tensor o;
            LayerCache c;
            layer->forwardTrain(in, o, ws, c);
            return weightedSum(o, r);
        };
        auto numeric = [&](float &x) {
            const float saved = x;
            x = saved + eps;
            const double up = loss();
            x = saved - eps;
            const double down = loss();
            x = saved;
            return float((up - down) / (2.0 * double(eps)));
        };

        std::vector<GradientCheck> checks;
        for (size_t k = 0; k < inputs.size(); ++k) {
            QCOMPARE(gradIn[k].shape, inputs[k].shape);
            GradientCheck c;
            for (size_t i : sampleIndices(inputs[k].data.size(), 80, rng)) {
                c.analytic.push_back(gradIn[k].data[i]);
                c.numeric.push_back(numeric(inputs[k].data[i]));
            }
            checks.push_back(c);
        }
        for (size_t p = 0; p < layer->params().size(); ++p) {
            Param &param = layer->params()[p];
            if (!param.trainable)
                continue;
            GradientCheck c;
            for (size_t i : sampleIndices(param.value.size(), 60, rng)) {
                c.analytic.push_back(gradParams[p][i]);
                c.numeric.push_back(numeric(param.value[i]));
            }
            checks.push_back(c);
        }
        QVERIFY(!checks.empty());
        if (corrupt) {
            // One entry wrong by 1 % of the largest gradient must be caught.
            std::vector<float> &a = checks.back().analytic;
            float largest = 0;
            for (float g : checks.back().numeric)
                largest = std::max(largest, std::abs(g));
            a[a.size() / 2] += 0.01f * std::max(largest, 1e-3f);
        }
        double worst = 0;
        for (const GradientCheck &c : checks)
            worst = std::max(worst, maxRelDiff(c.analytic, c.numeric));
        // Central differences in float with eps = 2e-3 agree to ~1e-4 here.
        const double tolerance = 2e-3;
        if (corrupt)
            QVERIFY2(worst > tolerance, "a corrupted gradient passed the check");
        else
            QVERIFY2(worst <= tolerance,
                     qPrintable(QStringLiteral("gradient rel. error %1").arg(worst)));
    }
}

void TestLayers::maxPoolTiesAndPadding()
{
    Workspace ws;
    const std::unique_ptr<Layer> pool = createLayer("maxpool", {{"kernel", {2}}});
    Tensor in(1, {1, 2, 4});
    in.data = {1, 1, 2, 0, 1, 1, 2, 2};
    Tensor out, gradIn, gradInNoCache;
    LayerCache cache;
    pool->forwardTrain({&in}, out, ws, cache);
    QCOMPARE(out.data, (std::vector<float>{1, 2}));
    Tensor gradOut(1, out.shape);
    gradOut.data = {10, 20};
    std::vector<std::vector<float>> none;
    pool->backward({&in}, out, gradOut, {&gradIn}, none, cache, ws);
    // Ties go to the first element of the window in row-major order.
    QCOMPARE(gradIn.data, (std::vector<float>{10, 0, 20, 0, 0, 0, 0, 0}));
    pool->backward({&in}, out, gradOut, {&gradInNoCache}, none, LayerCache(), ws);
    QCOMPARE(gradInNoCache.data, gradIn.data);

    // Padding is -inf: a window over one negative input element returns that element.
    const std::unique_ptr<Layer> padded
        = createLayer("maxpool", parseAttributes(QStringLiteral("kernel=2;stride=1;pad=1,1,0,0")));
    Tensor one(1, {1, 1, 1});
    one.data = {-5.0f};
    padded->forward({&one}, out, ws);
    QCOMPARE(out.shape, (Shape{1, 1, 1}));
    QCOMPARE(out.data, (std::vector<float>{-5.0f}));
}

void TestLayers::backwardAccumulatesParamGradients_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("shapes");
    QTest::newRow("dense") << "dense"
                           << "units=4"
                           << "6";
    QTest::newRow("conv2d") << "conv2d"
                            << "filters=3;kernel=3,3;pad=1"
                            << "2x5x5";
    QTest::newRow("batchnorm") << "batchnorm"
                               << ""
                               << "3x2x2";
}

void TestLayers::backwardAccumulatesParamGradients()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    const std::vector<Shape> inShapes = parseShapes(shapes);
    const std::unique_ptr<Layer> layer = makeLayer(type, parseAttributes(attributes), inShapes, 1);
    Random rng(2);
    const std::vector<Tensor> inputs = randomInputs(inShapes, 3, rng);
    const std::vector<const Tensor *> in = pointers(inputs);
    Workspace ws;
    LayerCache cache;
    Tensor out;
    layer->forwardTrain(in, out, ws, cache);
    Tensor r(out.n, out.shape);
    fillUniform(r.data, rng, -1.0, 1.0);
    std::vector<std::vector<float>> once(layer->params().size());
    layer->backward(in, out, r, {nullptr}, once, cache, ws);
    std::vector<std::vector<float>> twice = once;
    layer->backward(in, out, r, {nullptr}, twice, cache, ws);
    for (size_t p = 0; p < once.size(); ++p) {
        if (!layer->params()[p].trainable) {
            QVERIFY(twice[p].empty());
            continue;
        }
        QCOMPARE(once[p].size(), layer->params()[p].value.size());
        for (size_t i = 0; i < once[p].size(); ++i)
            FRONTIER_COMPARE_REL(twice[p][i], 2.0 * once[p][i], 1e-6);
    }
}

void TestLayers::shapeErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("shapes");
    QTest::addColumn<QString>("message");
    QTest::newRow("conv on a vector") << "conv2d"
                                      << "filters=2;kernel=3,3"
                                      << "10"
                                      << "expects a {C, H, W} input, got 10";
    QTest::newRow("conv kernel too big") << "conv2d"
                                         << "filters=2;kernel=5,5"
                                         << "1x4x9"
                                         << "does not fit";
    QTest::newRow("conv groups vs channels") << "conv2d"
                                             << "filters=4;kernel=1,1;groups=2"
                                             << "3x4x4"
                                             << "must divide the input channels";
    QTest::newRow("maxpool on a vector") << "maxpool"
                                         << "kernel=2,2"
                                         << "8"
                                         << "{C, H, W}";
    QTest::newRow("avgpool too big") << "avgpool"
                                     << "kernel=3,3"
                                     << "2x2x5"
                                     << "does not fit";
    QTest::newRow("globalavgpool on a vector") << "globalavgpool"
                                               << ""
                                               << "8"
                                               << "{C, H, W}";
    QTest::newRow("add mismatch") << "add"
                                  << ""
                                  << "3x4x4|3x4x5"
                                  << "input shapes differ";
    QTest::newRow("add one input") << "add"
                                   << ""
                                   << "3x4x4"
                                   << "expects 2 input(s), got 1";
    QTest::newRow("reshape count") << "reshape"
                                   << "shape=7,-1"
                                   << "3x4x5"
                                   << "cannot reshape";
    QTest::newRow("reshape fixed") << "reshape"
                                   << "shape=4,4"
                                   << "3x5"
                                   << "cannot reshape";
    QTest::newRow("reshape copy") << "reshape"
                                  << "shape=0,0,0"
                                  << "12x5"
                                  << "does not have";
    QTest::newRow("relu empty") << "relu"
                                << ""
                                << "0"
                                << "non-empty";
}

void TestLayers::shapeErrors()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    QFETCH(QString, message);
    const std::unique_ptr<Layer> layer
        = createLayer(type.toStdString(), parseAttributes(attributes));
    layer->name = "bad";
    const std::string where = "layer 'bad' (" + layer->type() + ")";
    try {
        layer->outputShape(parseShapes(shapes));
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromStdString(e.what());
        QCOMPARE(QString::fromStdString(e.where()), QString::fromStdString(where));
        QVERIFY2(what.startsWith(QString::fromStdString(where + ": ")), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestLayers::attributeErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown type") << "convolution"
                                  << ""
                                  << "layer type 'convolution': unknown";
    QTest::newRow("dense without units") << "dense"
                                         << ""
                                         << "dense: missing attribute 'units'";
    QTest::newRow("dense fractional") << "dense"
                                      << "units=2.5"
                                      << "must be an integer";
    QTest::newRow("conv zero filters") << "conv2d"
                                       << "filters=0;kernel=3,3"
                                       << "conv2d:";
    QTest::newRow("conv bad pad") << "conv2d"
                                  << "filters=2;kernel=3,3;pad=1,1,1"
                                  << "'pad'";
    QTest::newRow("conv groups") << "conv2d"
                                 << "filters=3;kernel=3,3;groups=2"
                                 << "must divide filters";
    QTest::newRow("unknown key") << "relu"
                                 << "alpha=1"
                                 << "relu: unknown attribute 'alpha'";
    QTest::newRow("pool pad") << "maxpool"
                              << "kernel=2,2;pad=2"
                              << "padding";
    QTest::newRow("avgpool flag") << "avgpool"
                                  << "kernel=2,2;count_include_pad=2"
                                  << "0 or 1";
    QTest::newRow("clip order") << "clip"
                                << "min=1;max=0"
                                << "exceeds";
    QTest::newRow("reshape two -1") << "reshape"
                                    << "shape=-1,-1"
                                    << "more than one -1";
    QTest::newRow("batchnorm eps") << "batchnorm"
                                   << "eps=0"
                                   << "'eps'";
}

void TestLayers::attributeErrors()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, message);
    try {
        createLayer(type.toStdString(), parseAttributes(attributes));
        QFAIL("no error");
    } catch (const Error &e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestLayers::attributesRoundTrip_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::newRow("add") << "add"
                         << "";
    QTest::newRow("avgpool") << "avgpool"
                             << "kernel=3,2;stride=1,2;pad=1,0,1,1;count_include_pad=1";
    QTest::newRow("batchnorm") << "batchnorm"
                               << "eps=0.001;momentum=0.3";
    QTest::newRow("clip inexact") << "clip"
                                  << "min=-0.1;max=0.3";
    QTest::newRow("clip") << "clip"
                          << "min=-1.5;max=2.25";
    QTest::newRow("conv2d") << "conv2d"
                            << "filters=6;kernel=5,3;stride=2,1;pad=1,2,0,1;groups=3";
    QTest::newRow("dense") << "dense"
                           << "units=12";
    QTest::newRow("flatten") << "flatten"
                             << "";
    QTest::newRow("globalavgpool") << "globalavgpool"
                                   << "";
    QTest::newRow("leakyrelu") << "leakyrelu"
                               << "alpha=0.125";
    QTest::newRow("maxpool") << "maxpool"
                             << "kernel=3,3;stride=2,2;pad=1,1,1,1";
    QTest::newRow("relu") << "relu"
                          << "";
    QTest::newRow("reshape") << "reshape"
                             << "shape=0,-1,4";
    QTest::newRow("sigmoid") << "sigmoid"
                             << "";
    QTest::newRow("softmax") << "softmax"
                             << "";
    QTest::newRow("tanh") << "tanh"
                          << "";
}

void TestLayers::attributesRoundTrip()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    const Attributes given = parseAttributes(attributes);
    const std::unique_ptr<Layer> layer = createLayer(type.toStdString(), given);
    QCOMPARE(QString::fromStdString(layer->type()), type);
    const Attributes written = layer->attributes();
    for (const auto &[key, value] : given)
        QVERIFY2(written.count(key) && written.at(key) == value, key.c_str());
    const std::unique_ptr<Layer> again = createLayer(layer->type(), written);
    QVERIFY(again->attributes() == written);
    QVERIFY(layer->clone()->attributes() == written);
}

void TestLayers::registryListsEveryType()
{
    const std::vector<std::string> types = layerTypes();
    QVERIFY(std::is_sorted(types.begin(), types.end()));
    for (const char *t :
         {"add", "avgpool", "batchnorm", "clip", "conv2d", "dense", "flatten", "globalavgpool",
          "leakyrelu", "maxpool", "relu", "relu6", "reshape", "sigmoid", "softmax", "tanh"})
        QVERIFY2(std::find(types.begin(), types.end(), t) != types.end(), t);
}

void TestLayers::relu6IsClip()
{
    const std::unique_ptr<Layer> layer = createLayer("relu6", {});
    QCOMPARE(QString::fromStdString(layer->type()), QStringLiteral("clip"));
    const Attributes expected{{"min", {0.0}}, {"max", {6.0}}};
    QVERIFY(layer->attributes() == expected);
    Tensor in(1, {4});
    in.data = {-1.0f, 3.0f, 6.5f, 0.5f};
    Tensor out;
    Workspace ws;
    layer->forward({&in}, out, ws);
    QCOMPARE(out.data, (std::vector<float>{0.0f, 3.0f, 6.0f, 0.5f}));
}

void TestLayers::batchNormFolding_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("shapes");
    QTest::newRow("conv2d") << "conv2d"
                            << "filters=5;kernel=3,3;pad=1"
                            << "3x8x8";
    QTest::newRow("conv2d groups") << "conv2d"
                                   << "filters=4;kernel=3,3;groups=2"
                                   << "4x6x6";
    QTest::newRow("dense") << "dense"
                           << "units=9"
                           << "2x3x3";
}

void TestLayers::batchNormFolding()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    const std::vector<Shape> inShapes = parseShapes(shapes);
    const std::unique_ptr<Layer> weighted
        = makeLayer(type, parseAttributes(attributes), inShapes, 4);
    const Shape mid = weighted->outputShape(inShapes);
    const std::unique_ptr<Layer> bn = makeLayer("batchnorm", {{"eps", {1e-3}}}, {mid}, 5);

    Random rng(6);
    const std::vector<Tensor> inputs = randomInputs(inShapes, 7, rng);
    Workspace ws;
    Tensor t, unfolded, folded;
    weighted->forward(pointers(inputs), t, ws);
    bn->forward({&t}, unfolded, ws);

    const std::unique_ptr<Layer> fused = weighted->clone();
    QVERIFY(foldBatchNormInto(*fused, *bn));
    fused->forward(pointers(inputs), folded, ws);
    QCOMPARE(folded.shape, unfolded.shape);
    const double diff = maxRelDiff(folded.data, unfolded.data);
    QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("max rel. diff %1").arg(diff)));
}

void TestLayers::batchNormFoldRejectsOthers()
{
    const std::unique_ptr<Layer> bn = makeLayer("batchnorm", {}, {{4}}, 1);
    const std::unique_ptr<Layer> relu = createLayer("relu", {});
    QVERIFY(!foldBatchNormInto(*relu, *bn));
    const std::unique_ptr<Layer> dense = makeLayer("dense", {{"units", {5}}}, {{3}}, 1);
    const std::vector<float> before = dense->param("weight")->value;
    QVERIFY(!foldBatchNormInto(*dense, *bn)); // 5 units, 4 channels
    QCOMPARE(dense->param("weight")->value, before);
    QVERIFY(!foldBatchNormInto(*dense, *relu));
}

void TestLayers::batchNormRunningStats()
{
    const std::unique_ptr<Layer> bn
        = makeLayer("batchnorm", {{"momentum", {0.25}}}, {{2, 3, 3}}, 1);
    for (Param &p : bn->params()) {
        if (p.name == "gamma")
            p.value.assign(p.value.size(), 1.0f);
        if (p.name == "beta")
            p.value.assign(p.value.size(), 0.0f);
    }
    const std::vector<float> mean0 = bn->param("running_mean")->value;
    const std::vector<float> var0 = bn->param("running_var")->value;
    Random rng(3);
    Tensor in(4, {2, 3, 3});
    fillUniform(in.data, rng, -2.0, 3.0);
    Workspace ws;
    LayerCache cache;
    Tensor out;
    bn->forwardTrain({&in}, out, ws, cache);
    bn->updateRunningStats(cache);
    for (int c = 0; c < 2; ++c) {
        double sum = 0, sq = 0, outSum = 0, outSq = 0;
        for (int s = 0; s < 4; ++s) {
            for (int i = 0; i < 9; ++i) {
                sum += in.sample(s)[c * 9 + i];
                outSum += out.sample(s)[c * 9 + i];
                outSq += double(out.sample(s)[c * 9 + i]) * out.sample(s)[c * 9 + i];
            }
        }
        const double mean = sum / 36;
        for (int s = 0; s < 4; ++s) {
            for (int i = 0; i < 9; ++i)
                sq += std::pow(in.sample(s)[c * 9 + i] - mean, 2);
        }
        // Normalised with batch statistics: mean 0, biased variance ~1.
        QVERIFY(std::abs(outSum / 36) < 1e-5);
        FRONTIER_COMPARE_REL(outSq / 36, 1.0, 1e-3);
        // Running statistics: PyTorch momentum, unbiased variance.
        FRONTIER_COMPARE_REL(bn->param("running_mean")->value[size_t(c)],
                             0.75 * mean0[size_t(c)] + 0.25 * mean, 1e-6);
        FRONTIER_COMPARE_REL(bn->param("running_var")->value[size_t(c)],
                             0.75 * var0[size_t(c)] + 0.25 * sq / 35, 1e-6);
    }
}

void TestLayers::stats_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("shapes");
    QTest::addColumn<qint64>("params");
    QTest::addColumn<qint64>("macs");
    QTest::addColumn<qint64>("activations");
    QTest::newRow("lenet conv1") << "conv2d"
                                 << "filters=6;kernel=5,5;pad=2"
                                 << "1x28x28" << qint64(6 * 25 + 6) << qint64(6 * 25 * 28 * 28)
                                 << qint64(6 * 28 * 28);
    QTest::newRow("conv groups stride")
        << "conv2d"
        << "filters=8;kernel=3,3;stride=2;groups=2"
        << "4x9x9" << qint64(8 * 2 * 9 + 8) << qint64(8 * 2 * 9 * 4 * 4) << qint64(8 * 4 * 4);
    QTest::newRow("depthwise") << "conv2d"
                               << "filters=6;kernel=3,3;groups=6;pad=1"
                               << "6x5x5" << qint64(6 * 9 + 6) << qint64(6 * 9 * 25)
                               << qint64(6 * 25);
    QTest::newRow("dense") << "dense"
                           << "units=120"
                           << "16x5x5" << qint64(400 * 120 + 120) << qint64(400 * 120)
                           << qint64(120);
    QTest::newRow("batchnorm") << "batchnorm"
                               << ""
                               << "6x4x4" << qint64(24) << qint64(96) << qint64(96);
    QTest::newRow("maxpool") << "maxpool"
                             << "kernel=2,2"
                             << "6x28x28" << qint64(0) << qint64(0) << qint64(6 * 14 * 14);
    QTest::newRow("relu") << "relu"
                          << ""
                          << "6x28x28" << qint64(0) << qint64(0) << qint64(6 * 28 * 28);
    QTest::newRow("add") << "add"
                         << ""
                         << "3x2x2|3x2x2" << qint64(0) << qint64(0) << qint64(12);
}

void TestLayers::stats()
{
    QFETCH(QString, type);
    QFETCH(QString, attributes);
    QFETCH(QString, shapes);
    QFETCH(qint64, params);
    QFETCH(qint64, macs);
    QFETCH(qint64, activations);
    const std::unique_ptr<Layer> layer
        = createLayer(type.toStdString(), parseAttributes(attributes));
    const std::vector<Shape> inShapes = parseShapes(shapes);
    // Before and after initialize(): stats depend on the shapes only.
    for (int pass = 0; pass < 2; ++pass) {
        const LayerStats s = layer->stats(inShapes);
        QCOMPARE(qint64(s.params), params);
        QCOMPARE(qint64(s.macs), macs);
        QCOMPARE(qint64(s.activations), activations);
        layer->initialize(inShapes, 1);
    }
    int64_t stored = 0;
    for (const Param &p : layer->params())
        stored += int64_t(p.value.size());
    QCOMPARE(qint64(stored), params);
}

void TestLayers::initializeIsSeeded()
{
    const std::unique_ptr<Layer> a = createLayer("dense", {{"units", {50}}});
    const std::unique_ptr<Layer> b = createLayer("dense", {{"units", {50}}});
    a->initialize({{400}}, 42);
    b->initialize({{400}}, 42);
    QCOMPARE(a->param("weight")->value, b->param("weight")->value);
    QCOMPARE(a->param("weight")->shape, (Shape{50, 400}));
    b->initialize({{400}}, 43);
    QVERIFY(a->param("weight")->value != b->param("weight")->value);
    // He-normal: std = sqrt(2 / fan_in); biases zero.
    double sq = 0;
    for (float w : a->param("weight")->value)
        sq += double(w) * w;
    FRONTIER_COMPARE_REL(std::sqrt(sq / 20000.0) / std::sqrt(2.0 / 400), 1.0, 0.03);
    for (float v : a->param("bias")->value)
        QCOMPARE(v, 0.0f);

    const std::unique_ptr<Layer> bn = createLayer("batchnorm", {});
    bn->initialize({{3, 4, 4}}, 1);
    QCOMPARE(bn->param("gamma")->value, std::vector<float>(3, 1.0f));
    QCOMPARE(bn->param("running_var")->value, std::vector<float>(3, 1.0f));
    QCOMPARE(bn->param("beta")->value, std::vector<float>(3, 0.0f));
    QCOMPARE(bn->param("running_mean")->value, std::vector<float>(3, 0.0f));
    QVERIFY(!bn->param("running_var")->trainable);
    QVERIFY(bn->param("gamma")->trainable);
}

void TestLayers::cloneIsDeep()
{
    const std::unique_ptr<Layer> a
        = makeLayer("conv2d", {{"filters", {2}}, {"kernel", {3}}}, {{1, 5, 5}}, 1);
    a->inputs = {-1};
    const std::unique_ptr<Layer> b = a->clone();
    QCOMPARE(b->name, a->name);
    QCOMPARE(b->inputs, a->inputs);
    QCOMPARE(b->param("weight")->value, a->param("weight")->value);
    b->param("weight")->value[0] += 1.0f;
    QVERIFY(b->param("weight")->value[0] != a->param("weight")->value[0]);
}

void TestLayers::forwardErrors()
{
    Workspace ws;
    Tensor out;
    std::unique_ptr<Layer> dense = createLayer("dense", {{"units", {3}}});
    dense->name = "fc";
    Tensor in(2, {4});
    try {
        dense->forward({&in}, out, ws);
        QFAIL("no error for uninitialised params");
    } catch (const Error &e) {
        QCOMPARE(QString::fromStdString(e.what()),
                 QStringLiteral("layer 'fc' (dense): parameter 'weight' is not initialised"));
    }
    dense->initialize({{5}}, 1);
    try {
        dense->forward({&in}, out, ws); // weight is [3, 5], input has 4 features
        QFAIL("no error for a weight of the wrong shape");
    } catch (const Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(QLatin1String("expected 3x4")),
                 e.what());
    }
    const std::unique_ptr<Layer> add = createLayer("add", {});
    Tensor other(3, {4});
    try {
        add->forward({&in, &other}, out, ws);
        QFAIL("no error for different batch sizes");
    } catch (const Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(QLatin1String("batch")), e.what());
    }
}

// Not a pass/fail test: reports the time of a LeNet-sized convolution (batch 64).
void TestLayers::convTiming()
{
    struct Case
    {
        const char *name;
        Attributes attributes;
        Shape input;
    };
    const Case cases[] = {
        {"conv1 1x28x28 -> 6x28x28 (5x5, pad 2)",
         {{"filters", {6}}, {"kernel", {5}}, {"pad", {2}}},
         {1, 28, 28}},
        {"conv2 6x14x14 -> 16x10x10 (5x5)", {{"filters", {16}}, {"kernel", {5}}}, {6, 14, 14}},
    };
    for (const Case &c : cases) {
        const std::unique_ptr<Layer> layer = createLayer("conv2d", c.attributes);
        layer->initialize({c.input}, 1);
        Random rng(1);
        Tensor in(64, c.input);
        fillUniform(in.data, rng, -1.0, 1.0);
        Workspace ws;
        LayerCache cache;
        Tensor out, gradIn;
        layer->forward({&in}, out, ws);
        Tensor gradOut(out.n, out.shape);
        fillUniform(gradOut.data, rng, -1.0, 1.0);
        std::vector<std::vector<float>> gradParams(layer->params().size());
        const int reps = 20;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < reps; ++i)
            layer->forward({&in}, out, ws);
        const double forwardMs = double(timer.nsecsElapsed()) / 1e6 / reps;
        timer.restart();
        for (int i = 0; i < reps; ++i)
            layer->backward({&in}, out, gradOut, {&gradIn}, gradParams, cache, ws);
        const double backwardMs = double(timer.nsecsElapsed()) / 1e6 / reps;
        qInfo("%s, batch 64: forward %.3f ms, backward %.3f ms", c.name, forwardMs, backwardMs);
        QVERIFY(forwardMs > 0);
    }
}

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
