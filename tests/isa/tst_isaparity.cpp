// Every instruction-set path the host supports (always including portable) gives the same
// bits: the fp32 GEMM in both summation orders against a std::fma emulation, the layers
// whose elementary functions used to depend on the buffer's alignment, the engine on
// every recipe (also one sample copied into every position of a block), every variant
// family against the numerics contract (k above the GEMM's block of 128), and a small
// study run through the CLI under FRONTIER_ISA=<path>, compared as `study trials --csv`.

#include "../model/modelfactory.h"
#include "../numeric/contractreference.h"
#include "testutil.h"

#include "common/cpu.h"
#include "common/detmath.h"
#include "common/error.h"
#include "common/parallel.h"
#include "model/engine.h"
#include "model/layers/gemm.h"
#include "model/layers/kernels/convkernel.h"
#include "model/layers/layer.h"
#include "model/recipes.h"
#include "numeric/affine.h"
#include "numeric/bitstream.h"
#include "numeric/formatassignment.h"
#include "numeric/orderedgemm.h"
#include "numeric/saturatinggemm.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"
#include "train/trainer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

using namespace frontier;

namespace {

const QString kFrontier = QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier");

std::vector<cpu::Isa> paths()
{
    return cpu::supportedIsas();
}

QString pathName(cpu::Isa isa)
{
    return QString::fromLatin1(cpu::isaName(isa));
}

// "avx2: 4x9x150 at 2,7" for an integer GEMM case that failed.
QString gemmCase(cpu::Isa isa, int m, int64_t n, int64_t k, int r, int64_t j)
{
    return QStringLiteral("%1: %2x%3x%4 at %5,%6")
        .arg(pathName(isa))
        .arg(m)
        .arg(n)
        .arg(k)
        .arg(r)
        .arg(j);
}

// First differing element, or -1.
int64_t firstDifference(const float *a, const float *b, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        if (std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i])
            && !(std::isnan(a[i]) && std::isnan(b[i])))
            return i;
    }
    return -1;
}

QString describeDifference(const std::vector<float> &a, const std::vector<float> &b)
{
    if (a.size() != b.size())
        return QStringLiteral("sizes %1 vs %2").arg(a.size()).arg(b.size());
    const int64_t i = firstDifference(a.data(), b.data(), int64_t(a.size()));
    if (i < 0)
        return {};
    return QStringLiteral("element %1: %2 vs %3")
        .arg(i)
        .arg(double(a[size_t(i)]), 0, 'g', 10)
        .arg(double(b[size_t(i)]), 0, 'g', 10);
}

std::vector<float> randomVector(size_t n, uint64_t seed, double lo, double hi)
{
    Random rng(seed);
    std::vector<float> v(n);
    for (float &x : v)
        x = float(rng.uniform(lo, hi));
    return v;
}

// The documented order of gemm::sgemm, written with std::fma: blocks of 128 products
// (the first from the bias, the others from zero, each added to the running sum), or a
// single chain from the bias.
std::vector<float> referenceGemm(int m, int n, int k, const std::vector<float> &a,
                                 const std::vector<float> &b, const std::vector<float> &bias,
                                 bool relu, bool singleChain)
{
    std::vector<float> c(size_t(m) * size_t(n));
    const int block = singleChain ? std::max(k, 1) : 128;
    for (int i = 0; i < m; ++i) {
        for (int j = 0; j < n; ++j) {
            float sum = bias.empty() ? 0.0f : bias[size_t(j)];
            for (int k0 = 0; k0 < k; k0 += block) {
                float part = k0 == 0 ? sum : 0.0f;
                for (int p = k0; p < std::min(k, k0 + block); ++p)
                    part = std::fma(a[size_t(i) * size_t(k) + size_t(p)],
                                    b[size_t(p) * size_t(n) + size_t(j)], part);
                sum = k0 == 0 ? part : sum + part;
            }
            c[size_t(i) * size_t(n) + size_t(j)] = relu ? (sum > 0.0f ? sum : 0.0f) : sum;
        }
    }
    return c;
}

model::Model recipe(const QString &name)
{
    model::Model m;
    if (name == "mlp")
        m = model::makeRecipe("mlp", {1, 28, 28}, 10);
    else if (name == "resnet8")
        m = model::makeRecipe("resnet8", {3, 32, 32}, 10);
    else if (name == "large")
        m = model::makeRecipe("large", {3, 16, 16}, 4);
    else if (name == "cnn-every-op")
        return test::cnnEveryOp();
    else if (name == "mlp-every-activation")
        return test::mlpAllActivations();
    else
        m = model::makeRecipe(name.toStdString(), {1, 28, 28}, 10);
    test::randomizeBatchNorms(m, 99);
    return m;
}

// A model whose dense layers sum over more than the GEMM's block of 128 products, and a
// convolution with k = 3 · 3 · 16 = 144, with biases.
model::Model wideModel()
{
    using test::makeLayer;
    model::Model m;
    m.name = "wide";
    m.inputShape = {1, 12, 12};
    m.add(makeLayer("conv2d", test::conv(16, 3, 1, {1})), {}, "conv1");
    m.add(makeLayer("relu"), {}, "relu1");
    m.add(makeLayer("conv2d", test::conv(8, 3, 2, {1})), {}, "conv2");
    m.add(makeLayer("relu"), {}, "relu2");
    m.add(makeLayer("flatten"), {}, "flatten");
    m.add(makeLayer("dense", test::units(200)), {}, "fc1");
    m.add(makeLayer("relu"), {}, "relu3");
    m.add(makeLayer("dense", test::units(7)), {}, "fc2");
    m.addHead("final");
    m.initialize(11);
    Random rng(12);
    for (auto &layer : m.layers) {
        if (model::Param *b = layer->param("bias"))
            for (float &v : b->value)
                v = float(rng.uniform(-0.5, 0.5));
    }
    return m;
}

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result frontierRun(const QStringList &args, const QString &isa)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (isa.isEmpty())
        env.remove(QStringLiteral("FRONTIER_ISA"));
    else
        env.insert(QStringLiteral("FRONTIER_ISA"), isa);
    p.setProcessEnvironment(env);
    p.start(kFrontier, args);
    p.waitForFinished(-1);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace

class TestIsaParity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pathsAndSelection();
    void sgemm_data();
    void sgemm();
    void orderedGemmLongChains();
    void elementaryLayersIgnoreAlignment_data();
    void elementaryLayersIgnoreAlignment();
    void engine_data();
    void engine();
    void sampleIndependentOfPosition();
    void variants_data();
    void variants();
    void streamsAndPopcounts();
    void saturatingGemm();
    void pairGemm();
    void trainingEqualOnEveryPath_data();
    void trainingEqualOnEveryPath();
    void studyTrialsEqualOnEveryPath();
};

void TestIsaParity::pathsAndSelection()
{
    const std::vector<cpu::Isa> all = paths();
    QVERIFY(!all.empty());
    QCOMPARE(all.front(), cpu::Isa::Portable);
    QCOMPARE(all.back(), cpu::bestIsa());
    qInfo("paths on this host: %s", qPrintable([&] {
              QStringList names;
              for (cpu::Isa isa : all)
                  names << pathName(isa);
              return names.join(QStringLiteral(", "));
          }()));
    for (cpu::Isa isa : all) {
        const cpu::ScopedIsa scoped(isa);
        QCOMPARE(cpu::activeIsa(), isa);
        QCOMPARE(QString::fromLatin1(model::gemm::kernelIsa()), pathName(isa));
        using namespace model::convkernels;
        const auto copyOf = isa == cpu::Isa::Avx512 ? &avx512::copy
                            : isa == cpu::Isa::Avx2 ? &avx2::copy
                                                    : &portable::copy;
        QVERIFY(table().copy == copyOf);
        QCOMPARE(QString::fromStdString(cpu::kernelName("conv")), pathName(isa));
    }
    if (!cpu::supports(cpu::Isa::Avx512))
        QVERIFY_THROWS_EXCEPTION(Error, cpu::setActiveIsa(cpu::Isa::Avx512));
    cpu::Isa parsed;
    QVERIFY(cpu::parseIsa("avx2", parsed) && parsed == cpu::Isa::Avx2);
    QVERIFY(!cpu::parseIsa("sse4", parsed));

    // The CLI refuses an unknown or unsupported path with one line and exit code 2.
    const Result bad = frontierRun({QStringLiteral("--version")}, QStringLiteral("sse9"));
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("FRONTIER_ISA") && bad.err.count('\n') == 1, bad.err.constData());
    if (!cpu::supports(cpu::Isa::Avx512)) {
        const Result lacking = frontierRun({QStringLiteral("--version")}, QStringLiteral("avx512"));
        QCOMPARE(lacking.exitCode, 2);
        QVERIFY(lacking.err.contains("no avx512 support"));
    }
    // bench refuses an unknown path before measuring anything.
    const Result bench = frontierRun(
        {QStringLiteral("bench"), QStringLiteral("--isa"), QStringLiteral("avx2,sse9")}, QString());
    QCOMPARE(bench.exitCode, 2);
    QVERIFY2(bench.err.contains("sse9") && bench.err.count('\n') == 1, bench.err.constData());
    const Result json = frontierRun({QStringLiteral("--version"), QStringLiteral("--json")},
                                    QStringLiteral("portable"));
    QCOMPARE(json.exitCode, 0);
    QVERIFY2(json.out.contains("\"isa\": \"portable\""), json.out.constData());
    for (const char *family : cpu::kernelFamilies) {
        const QByteArray entry = QByteArray("\"") + family + "\": \"portable\"";
        QVERIFY2(json.out.contains(entry), json.out.constData());
    }
}

void TestIsaParity::sgemm_data()
{
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("packed");
    QTest::addColumn<bool>("singleChain");
    const int shapes[][3]
        = {{1, 1, 1},     {5, 7, 3},      {13, 45, 37},  {64, 256, 784}, {7, 33, 128},
           {12, 32, 129}, {6, 100, 150},  {64, 10, 128}, {3, 17, 1000},  {70, 40, 257},
           {9, 48, 385},  {25, 64, 1537}, {13, 20, 640}};
    for (const auto &s : shapes) {
        for (bool packed : {false, true}) {
            for (bool chain : {false, true}) {
                QTest::newRow(qPrintable(QStringLiteral("%1x%2x%3%4%5")
                                             .arg(s[0])
                                             .arg(s[1])
                                             .arg(s[2])
                                             .arg(packed ? " packed" : "")
                                             .arg(chain ? " chain" : "")))
                    << s[0] << s[1] << s[2] << packed << chain;
            }
        }
    }
}

void TestIsaParity::sgemm()
{
    QFETCH(int, m);
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(bool, packed);
    QFETCH(bool, singleChain);
    const std::vector<float> a = randomVector(size_t(m) * size_t(k), 1, 0.0, 1.0);
    const std::vector<float> b = randomVector(size_t(k) * size_t(n), 2, -1.0, 1.0);
    const std::vector<float> bias = randomVector(size_t(n), 3, -0.5, 0.5);
    // w [n, k] for the packed form: w[j, p] = b[p, j].
    std::vector<float> w(size_t(n) * size_t(k));
    for (int j = 0; j < n; ++j)
        for (int p = 0; p < k; ++p)
            w[size_t(j) * size_t(k) + size_t(p)] = b[size_t(p) * size_t(n) + size_t(j)];
    model::gemm::AlignedVector panels(size_t(model::gemm::packedPanelsSize(k, n)));
    model::gemm::packPanelsTransposed(w.data(), n, k, panels.data());
    const model::gemm::PanelView view
        = packed ? model::gemm::PanelView{panels.data(), model::gemm::panelWidth,
                                          int64_t(k) * model::gemm::panelWidth}
                 : model::gemm::rowMajor(b.data(), n);

    for (bool relu : {false, true}) {
        const std::vector<float> want = referenceGemm(m, n, k, a, b, bias, relu, singleChain);
        for (cpu::Isa isa : paths()) {
            const cpu::ScopedIsa scoped(isa);
            model::gemm::Epilogue e;
            e.columnBias = bias.data();
            e.activation = relu ? model::gemm::Activation::Relu : model::gemm::Activation::None;
            e.singleChain = singleChain;
            std::vector<float> c(size_t(m) * size_t(n), -7.0f);
            model::gemm::sgemm(m, n, k, a.data(), k, view, c.data(), n, e);
            const QString diff = describeDifference(c, want);
            QVERIFY2(diff.isEmpty(), qPrintable(pathName(isa) + (relu ? " relu: " : ": ") + diff));
        }
    }
}

// orderedGemm is one fma chain in increasing k at any k (the minifloat contract), not the
// fp32 GEMM's blocks: at k = 129 and 784 the two orders differ, and every path must give
// the chain.
void TestIsaParity::orderedGemmLongChains()
{
    for (int k : {37, 129, 784}) {
        const int m = 9, n = 21;
        const std::vector<float> a = randomVector(size_t(m) * size_t(k), 5, -1.0, 1.0);
        const std::vector<float> b = randomVector(size_t(k) * size_t(n), 6, -1.0, 1.0);
        const std::vector<float> want = referenceGemm(m, n, k, a, b, {}, false, true);
        const std::vector<float> blocked = referenceGemm(m, n, k, a, b, {}, false, false);
        if (k > 128)
            QVERIFY2(want != blocked, "the test cannot tell the two orders apart");
        for (cpu::Isa isa : paths()) {
            const cpu::ScopedIsa scoped(isa);
            std::vector<float> c(size_t(m) * size_t(n));
            numeric::orderedGemm(m, n, k, a.data(), k, b.data(), n, c.data(), n);
            QVERIFY2(describeDifference(c, want).isEmpty(),
                     qPrintable(QStringLiteral("k=%1 %2: ").arg(k).arg(pathName(isa))
                                + describeDifference(c, want)));
        }
    }
}

void TestIsaParity::elementaryLayersIgnoreAlignment_data()
{
    QTest::addColumn<QString>("layer");
    for (const char *l : {"softmax", "sigmoid", "tanh"})
        QTest::newRow(l) << QString::fromLatin1(l);
}

// The same sample of 48 values (three AVX-512 vectors) in every position of a batch of 16
// samples of 49 values: sample s starts 196 · s bytes into the buffer, so the 16 copies
// sit at every float offset 0..15 from a 64-byte boundary. The results may not depend on
// the position or the path. (The 49th value is -1e30: softmax gives it exactly 0.)
void TestIsaParity::elementaryLayersIgnoreAlignment()
{
    QFETCH(QString, layer);
    const int width = 48;
    const int stride = width + 1;
    const int copies = 16;
    const std::unique_ptr<model::Layer> op = test::makeLayer(layer.toStdString());
    std::vector<float> x = randomVector(size_t(width), 8, -20.0, 20.0);
    x.push_back(-1e30f);
    model::Tensor batch(copies, {stride});
    for (int s = 0; s < copies; ++s)
        std::copy(x.begin(), x.end(), batch.sample(s));
    std::vector<float> first;
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        model::Tensor out;
        model::Workspace ws;
        op->forward({&batch}, out, ws);
        for (int s = 0; s < copies; ++s) {
            const std::vector<float> got(out.sample(s), out.sample(s) + width);
            if (first.empty())
                first = got;
            QVERIFY2(describeDifference(got, first).isEmpty(),
                     qPrintable(QStringLiteral("%1 position %2: ").arg(pathName(isa)).arg(s)
                                + describeDifference(got, first)));
        }
    }
    // And the deterministic elementary functions themselves, not the C library's.
    if (layer == "sigmoid")
        QCOMPARE(std::bit_cast<uint32_t>(first[0]),
                 std::bit_cast<uint32_t>(float(dmath::logistic(double(x[0])))));
    if (layer == "tanh")
        QCOMPARE(std::bit_cast<uint32_t>(first[0]),
                 std::bit_cast<uint32_t>(float(dmath::tanh(double(x[0])))));
}

void TestIsaParity::engine_data()
{
    QTest::addColumn<QString>("model");
    for (const char *m :
         {"mlp", "lenet", "ee-cnn", "resnet8", "large", "cnn-every-op", "mlp-every-activation"})
        QTest::newRow(m) << QString::fromLatin1(m);
}

// model::Engine on 70 samples (a full block of 64 and a partial one), on 1 and 2 threads,
// against the portable path; and within the serial twin's tolerance.
void TestIsaParity::engine()
{
    QFETCH(QString, model);
    const model::Model m = recipe(model);
    const int n = 70;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 17, 0.0, 1.0);
    model::Outputs reference;
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        const model::Engine engine(m);
        for (int threads : {1, 2}) {
            const ThreadLimit limit(threads);
            const model::Outputs out = engine.run(x.data(), n);
            if (reference.heads.empty()) {
                reference = out;
                const model::Outputs serial = engine.runSerial(x.data(), 3);
                for (size_t h = 0; h < out.heads.size(); ++h) {
                    const std::vector<float> head(out.heads[h].begin(),
                                                  out.heads[h].begin()
                                                      + ptrdiff_t(serial.heads[h].size()));
                    QVERIFY(test::maxRelDiff(head, serial.heads[h]) < 1e-4);
                }
                continue;
            }
            QCOMPARE(out.heads.size(), reference.heads.size());
            for (size_t h = 0; h < out.heads.size(); ++h) {
                const QString diff = describeDifference(out.heads[h], reference.heads[h]);
                QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("%1, %2 threads, head %3: ")
                                                        .arg(pathName(isa))
                                                        .arg(threads)
                                                        .arg(h)
                                                    + diff));
            }
        }
    }
}

// One sample copied into every position of a block gives the bits of a run on that
// sample alone, on every path (no dependence on the position, the block or the buffers).
void TestIsaParity::sampleIndependentOfPosition()
{
    for (const QString &name : {QStringLiteral("ee-cnn"), QStringLiteral("mlp-every-activation")}) {
        const model::Model m = recipe(name);
        const std::vector<float> one = test::randomInput(1, m.inputShape, 23, 0.0, 1.0);
        const int n = 66;
        std::vector<float> many;
        for (int i = 0; i < n; ++i)
            many.insert(many.end(), one.begin(), one.end());
        for (cpu::Isa isa : paths()) {
            const cpu::ScopedIsa scoped(isa);
            const model::Engine engine(m);
            const model::Outputs single = engine.run(one.data(), 1);
            const model::Outputs block = engine.run(many.data(), n);
            for (size_t h = 0; h < single.heads.size(); ++h) {
                const size_t width = single.heads[h].size();
                for (int i = 0; i < n; ++i) {
                    const std::vector<float> at(block.heads[h].begin() + ptrdiff_t(i * width),
                                                block.heads[h].begin()
                                                    + ptrdiff_t((i + 1) * width));
                    QVERIFY2(describeDifference(at, single.heads[h]).isEmpty(),
                             qPrintable(QStringLiteral("%1 %2 head %3 position %4")
                                            .arg(name, pathName(isa))
                                            .arg(h)
                                            .arg(i)));
                }
            }
        }
    }
}

void TestIsaParity::variants_data()
{
    QTest::addColumn<QString>("format");
    for (const char *f : {"int8", "int4", "w4a8", "int12", "int16", "int16:acc64", "int8:acc16",
                          "q4.4", "q8.8", "fp16", "bf16", "fp8e4m3", "fp8e5m2", "e3m2:inf",
                          "fp16:acc", "fp8e4m3:acc", "sc6", "sc7:ld", "sc6:stat"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

// Each format on the wide model (sums over more than 128 products) and on the CNN recipe:
// every path gives the bits of the portable path, and the contract's reference where it
// defines them (every format but sc, which the stochastic tests cover).
void TestIsaParity::variants()
{
    QFETCH(QString, format);
    const model::Model m = wideModel();
    const int n = 37;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 41, -1.0, 2.0);
    const std::vector<float> cal = test::randomInput(40, m.inputShape, 42, -1.0, 2.0);
    std::vector<float> reference;
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        const numeric::Variant v
            = numeric::makeVariant(m, format.toStdString(), cal.data(), 40, "random");
        const numeric::VariantEngine engine(m, v);
        model::RunOptions options;
        options.blockSize = 8;
        const model::Outputs out = engine.run(x.data(), n, options);
        if (reference.empty()) {
            reference = out.heads.back();
            if (!format.startsWith("sc")) {
                const std::vector<float> want = test::contract::run(
                    m, numeric::variantLayerFormats(m, v), v.calibration, x.data(), n);
                QVERIFY2(describeDifference(reference, want).isEmpty(),
                         qPrintable("contract: " + describeDifference(reference, want)));
            }
            continue;
        }
        QVERIFY2(
            describeDifference(out.heads.back(), reference).isEmpty(),
            qPrintable(pathName(isa) + ": " + describeDifference(out.heads.back(), reference)));
    }
}

// Stochastic computing's two kernels against their definitions on every path: the stream
// of level c is bit t = (r_t < c) (StreamSource::value), including the levels 0, L - 1,
// L and beyond 16 bits, for LFSR and low-discrepancy sources of several lengths; and the
// Hamming distances of xorPopcount() against std::popcount for tile edges and tails.
void TestIsaParity::streamsAndPopcounts()
{
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        for (int k : {6, 7, 8, 10, 12, 16}) {
            const int64_t length = int64_t(1) << k;
            for (bool ld : {false, true}) {
                const numeric::StreamSource source(k, 1, ld);
                std::vector<uint64_t> words(size_t(numeric::streamWords(k)));
                for (uint32_t offset : {0u, 1u, uint32_t(length / 3), uint32_t(length - 1)}) {
                    for (uint32_t c : {0u, 1u, uint32_t(length / 2), uint32_t(length - 1),
                                       uint32_t(length), 0xFFFFu, 0x10000u, 0x12345u}) {
                        std::fill(words.begin(), words.end(), 0x5A5A5A5A5A5A5A5Aull);
                        source.generate(offset, c, words.data());
                        for (int64_t t = 0; t < length; ++t) {
                            const bool want = source.value(offset, t) < c;
                            const bool got = (words[size_t(t / 64)] >> (t % 64)) & 1u;
                            if (got != want)
                                QFAIL(qPrintable(QStringLiteral("%1: k %2 %3 offset %4 c %5 bit %6")
                                                     .arg(pathName(isa))
                                                     .arg(k)
                                                     .arg(ld ? "ld" : "lfsr")
                                                     .arg(offset)
                                                     .arg(c)
                                                     .arg(t)));
                        }
                    }
                }
            }
        }
        Random rng(31);
        for (int rows : {1, 3, 4, 5, 9}) {
            for (int cols : {1, 2, 4, 7}) {
                // words < 0: |words| words of rows that disagree in every bit but the
                // first row's last (the largest byte counts the AVX2 sums hold).
                for (int words : {1, 4, 9, 70, 1030, -130, -1030}) {
                    const bool opposite = words < 0;
                    words = opposite ? -words : words;
                    std::vector<uint64_t> a(size_t(rows * words)), b(size_t(cols * words));
                    for (uint64_t &w : a)
                        w = opposite ? ~uint64_t(0) : rng.next();
                    for (uint64_t &w : b)
                        w = opposite ? 0 : rng.next();
                    if (opposite)
                        a[size_t(words - 1)] ^= uint64_t(1) << 63;
                    std::vector<int64_t> out(size_t(rows * cols), -1);
                    numeric::xorPopcount(rows, cols, words, a.data(), words, b.data(), words,
                                         out.data(), cols);
                    for (int m = 0; m < rows; ++m) {
                        for (int n = 0; n < cols; ++n) {
                            int64_t want = 0;
                            for (int i = 0; i < words; ++i)
                                want += std::popcount(a[size_t(m * words + i)]
                                                      ^ b[size_t(n * words + i)]);
                            QVERIFY2(out[size_t(m * cols + n)] == want,
                                     qPrintable(QStringLiteral("%1: %2x%3x%4 words")
                                                    .arg(pathName(isa))
                                                    .arg(rows)
                                                    .arg(cols)
                                                    .arg(words)));
                        }
                    }
                }
            }
        }
    }
}

// The integer kernels' saturating chains (numeric/saturatinggemm.h) against the plain loop
// of their definition on every path: row counts around the register tiles (AVX2 4,
// AVX-512 8), column tails of 1 to 17, codes of 16 and 17 bits, accumulators of 12 to 64
// bits (64: no clamps), and a leading dimension wider than the columns.
void TestIsaParity::saturatingGemm()
{
    Random rng(57);
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        for (int bits : {12, 24, 32, 64}) {
            const numeric::Accumulator acc = numeric::Accumulator::ofBits(bits);
            int64_t clamped = 0;
            for (int m : {1, 3, 4, 5, 8, 9, 17}) {
                for (int64_t n : {1, 2, 7, 8, 9, 15, 16, 17, 40}) {
                    for (int64_t k : {1, 5, 150}) {
                        const int64_t ldx = n + 3;
                        std::vector<int32_t> w(size_t(m * k)), x(size_t(k * ldx));
                        for (int32_t &v : w)
                            v = int32_t(rng.next() % 65536) - 32768;
                        for (int32_t &v : x)
                            v = int32_t(rng.next() % 131071) - 65535;
                        std::vector<int64_t> start(static_cast<size_t>(m));
                        for (int64_t &v : start)
                            v = acc.saturate(int64_t(rng.next() % 4096) - 2048);
                        std::vector<int64_t> out(size_t(m * (n + 1)), 12345);
                        numeric::saturatingGemm(m, n, k, w.data(), x.data(), ldx, start.data(),
                                                acc.lo, acc.hi, out.data(), n + 1);
                        for (int r = 0; r < m; ++r) {
                            for (int64_t j = 0; j < n; ++j) {
                                int64_t want = start[size_t(r)];
                                for (int64_t i = 0; i < k; ++i) {
                                    const int64_t sum
                                        = want
                                          + int64_t(w[size_t(r * k + i)]) * x[size_t(i * ldx + j)];
                                    want = std::clamp(sum, acc.lo, acc.hi);
                                    clamped += want != sum;
                                }
                                QVERIFY2(out[size_t(r * (n + 1) + j)] == want,
                                         qPrintable(QString::number(bits) + "-bit "
                                                    + gemmCase(isa, m, n, k, r, j)));
                            }
                            QCOMPARE(out[size_t(r * (n + 1) + n)], int64_t(12345)); // untouched
                        }
                    }
                }
            }
            // Narrow accumulators must actually clip, else they prove nothing.
            QVERIFY(bits == 64 ? clamped == 0 : clamped > 1000);
        }
    }
}

// The int16-pair GEMM (exact sums below 2^31) against the plain sum on the vector paths:
// codes over the full 16-bit range (-32768 and negative low halves of a pair included), odd k, row
// counts around the tiles (AVX2 4, AVX-512 8) and column tails of 1 to 33.
void TestIsaParity::pairGemm()
{
    Random rng(58);
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        if (!numeric::pairsAvailable())
            continue;
        for (int m : {1, 3, 4, 5, 8, 9, 17}) {
            for (int64_t n : {1, 7, 8, 15, 16, 17, 31, 32, 33, 70}) {
                for (int64_t k : {1, 2, 5, 151}) {
                    // |sum| < 2^31: full-range x only for short sums.
                    const int32_t xMax = k <= 2 ? 32767 : int32_t(2147483000 / (k * 32767));
                    const int64_t ldx = n + 5;
                    std::vector<int32_t> w(size_t(m * k)), x(size_t(k * ldx));
                    // The extremes -32768 of both in one product only when k == 1.
                    const int32_t xLow = k == 1 ? -32768 : -xMax;
                    for (int32_t &v : w)
                        v = int32_t(rng.next() % 65536) - 32768;
                    for (int32_t &v : x)
                        v = int32_t(rng.next() % uint64_t(xMax - xLow + 1)) + xLow;
                    w[0] = -32768;
                    x[0] = xLow;
                    std::vector<int64_t> start(static_cast<size_t>(m));
                    for (int64_t &v : start)
                        v = k <= 2 ? 0 : int64_t(rng.next() % 2001) - 1000;
                    const int64_t kp = numeric::pairCount(k);
                    std::vector<int32_t> wp(size_t(m * kp)), xp(size_t(kp * n));
                    numeric::pairs16(w.data(), m, k, wp.data());
                    numeric::packPairs16(x.data(), k, n, ldx, xp.data());
                    std::vector<int64_t> out(size_t(m * (n + 1)), 12345);
                    numeric::pairGemm(m, n, kp, wp.data(), xp.data(), start.data(), out.data(),
                                      n + 1);
                    for (int r = 0; r < m; ++r) {
                        for (int64_t j = 0; j < n; ++j) {
                            int64_t want = start[size_t(r)];
                            for (int64_t i = 0; i < k; ++i)
                                want += int64_t(w[size_t(r * k + i)]) * x[size_t(i * ldx + j)];
                            QVERIFY2(out[size_t(r * (n + 1) + j)] == want,
                                     qPrintable(gemmCase(isa, m, n, k, r, j)));
                        }
                        QCOMPARE(out[size_t(r * (n + 1) + n)], int64_t(12345)); // untouched
                    }
                }
            }
        }
    }
}

void TestIsaParity::trainingEqualOnEveryPath_data()
{
    QTest::addColumn<QString>("model");
    for (const char *m : {"lenet", "resnet8", "wide"})
        QTest::newRow(m) << QString::fromLatin1(m);
}

// One epoch of training a CNN, on 1 and 2 threads: the convolutions' backward pass (im2col
// of the inputs, col2im of the column gradients), pooling, the training GEMMs and the
// optimizer give the same weights on every path. (The study below trains MLPs only.)
void TestIsaParity::trainingEqualOnEveryPath()
{
    QFETCH(QString, model);
    const model::Model m0 = model == QLatin1String("wide") ? wideModel() : recipe(model);
    const int classes = m0.layerShapes().back()[0];
    data::Dataset d;
    d.name = "random";
    d.shape = m0.inputShape;
    const int n = 52;
    d.x = test::randomInput(n, m0.inputShape, 23, 0.0, 1.0);
    for (int i = 0; i < n; ++i)
        d.y.push_back(i % classes);
    for (int c = 0; c < classes; ++c)
        d.classNames.push_back(std::to_string(c));
    train::TrainOptions o;
    o.epochs = 1;
    o.batchSize = 24;
    o.microBatch = 8;
    o.learningRate = 1e-2f;
    o.seed = 4;

    std::vector<std::vector<float>> reference;
    for (cpu::Isa isa : paths()) {
        const cpu::ScopedIsa scoped(isa);
        for (int threads : {1, 2}) {
            const ThreadLimit limit(threads);
            model::Model m = m0;
            train::train(m, d, nullptr, o);
            std::vector<std::vector<float>> weights;
            for (const auto &layer : m.layers)
                for (const model::Param &p : layer->params())
                    weights.push_back(p.value);
            if (reference.empty()) {
                // Training moved the weights.
                size_t moved = 0;
                size_t i = 0;
                for (const auto &layer : m0.layers)
                    for (const model::Param &p : layer->params())
                        moved += p.value != weights[i++] ? 1 : 0;
                QVERIFY(moved >= weights.size() / 2);
                reference = std::move(weights);
                continue;
            }
            QCOMPARE(weights.size(), reference.size());
            for (size_t t = 0; t < weights.size(); ++t) {
                const QString diff = describeDifference(weights[t], reference[t]);
                QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("%1, %2 threads, parameter %3: ")
                                                        .arg(pathName(isa))
                                                        .arg(threads)
                                                        .arg(t)
                                                    + diff));
            }
        }
    }
}

// The runner spec (training, integer/sc variants, ARI, HI with every decision module,
// ARI-HI, two devices) under FRONTIER_ISA=<each path>: identical `study trials --csv`.
void TestIsaParity::studyTrialsEqualOnEveryPath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString spec
        = QStringLiteral(FRONTIER_SOURCE_DIR "/tests/study/fixtures/runner-spec.json");
    QByteArray reference;
    for (cpu::Isa isa : paths()) {
        const QString project = dir.filePath(pathName(isa) + ".frontier");
        const Result run = frontierRun({QStringLiteral("study"), QStringLiteral("run"), spec,
                                        QStringLiteral("--project"), project},
                                       pathName(isa));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const Result trials = frontierRun(
            {QStringLiteral("study"), QStringLiteral("trials"), QStringLiteral("--project"),
             project, QStringLiteral("--study"), QStringLiteral("runner"), QStringLiteral("--csv")},
            pathName(isa));
        QVERIFY2(trials.exitCode == 0, trials.err.constData());
        QVERIFY(trials.out.count('\n') > 100);
        // The project records which path computed the study.
        const Result status
            = frontierRun({QStringLiteral("study"), QStringLiteral("status"),
                           QStringLiteral("--project"), project, QStringLiteral("--json")},
                          QString());
        QVERIFY2(status.exitCode == 0, status.err.constData());
        const QJsonObject study = QJsonDocument::fromJson(status.out)
                                      .object()
                                      .value(QStringLiteral("studies"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(study.value(QStringLiteral("isa")).toString(), pathName(isa));
        const QJsonArray runs = study.value(QStringLiteral("runs")).toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.at(0)
                     .toObject()
                     .value(QStringLiteral("kernels"))
                     .toObject()
                     .value(QStringLiteral("sgemm")),
                 QJsonValue(pathName(isa)));
        if (reference.isEmpty()) {
            reference = trials.out;
            continue;
        }
        if (trials.out != reference) {
            const QList<QByteArray> a = reference.split('\n');
            const QList<QByteArray> b = trials.out.split('\n');
            for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i) {
                if (a[i] != b[i])
                    QFAIL(qPrintable(pathName(isa) + " differs from portable at line "
                                     + QString::number(i + 1) + ":\n" + QString::fromUtf8(a[i])
                                     + "\n" + QString::fromUtf8(b[i])));
            }
            QFAIL("line counts differ");
        }
    }
}

QTEST_GUILESS_MAIN(TestIsaParity)
#include "tst_isaparity.moc"
