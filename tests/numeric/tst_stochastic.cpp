// Stochastic computing: LFSR maximal length and reproducibility, stream encoding, the
// 1/L law of product and dot-product variance, and the bit-level kernels.

#include "testutil.h"

#include "../model/modelfactory.h"

#include "numeric/bitstream.h"
#include "numeric/sckernel.h"
#include "numeric/variant.h"
#include "numeric/variantengine.h"

#include "common/error.h"
#include "common/random.h"

#include <QtTest>

#include <bit>
#include <cmath>
#include <cstring>

using namespace frontier;
using namespace frontier::numeric;

namespace {

int ones(const std::vector<uint64_t> &words)
{
    int n = 0;
    for (uint64_t w : words)
        n += std::popcount(w);
    return n;
}

// Least-squares slope of log2(variance) against log2(L) = k.
double slope(const std::vector<int> &ks, const std::vector<double> &variances)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double n = double(ks.size());
    for (size_t i = 0; i < ks.size(); ++i) {
        const double x = ks[i];
        const double y = std::log2(variances[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// Mean squared error of the XNOR/popcount estimate of sum_j v_j w_j (terms products),
// over `trials` random value sets and generator offsets, against the exact product of
// the encoded levels.
double dotVariance(int k, int terms, bool ld, int trials, uint64_t seed)
{
    const StreamSource xs(k, 0, ld);
    const StreamSource ws(k, 1, ld);
    const int words = streamWords(k);
    const double length = double(int64_t(1) << k);
    std::vector<uint64_t> a(static_cast<size_t>(words)), b(static_cast<size_t>(words));
    Random rng(seed);
    double sum = 0;
    for (int t = 0; t < trials; ++t) {
        double estimate = 0;
        double exact = 0;
        for (int j = 0; j < terms; ++j) {
            const uint32_t cx = bipolarLevel(rng.uniform(-1, 1), k);
            const uint32_t cw = bipolarLevel(rng.uniform(-1, 1), k);
            xs.generate(uint32_t(rng.next()), cx, a.data());
            ws.generate(uint32_t(rng.next()), cw, b.data());
            int64_t disagree = 0;
            for (int i = 0; i < words; ++i)
                disagree += std::popcount(a[size_t(i)] ^ b[size_t(i)]);
            estimate += (length - 2.0 * double(disagree)) / length;
            exact += (2.0 * cx / length - 1.0) * (2.0 * cw / length - 1.0);
        }
        sum += (estimate - exact) * (estimate - exact);
    }
    return sum / trials;
}

model::Model smallMlp()
{
    model::Model m;
    m.name = "sc-mlp";
    m.inputShape = {16};
    m.add(test::makeLayer("dense", test::units(12)), {}, "fc1");
    m.add(test::makeLayer("relu"), {}, "relu1");
    m.add(test::makeLayer("dense", test::units(6)), {}, "fc2");
    m.addHead("final");
    m.initialize(3);
    return m;
}

model::Model smallCnn()
{
    model::Model m;
    m.name = "sc-cnn";
    m.inputShape = {2, 7, 7};
    m.add(test::makeLayer("conv2d", test::conv(4, 3, 1, {1})), {}, "conv1");
    m.add(test::makeLayer("relu"), {}, "relu1");
    m.add(test::makeLayer("conv2d", test::conv(4, 3, 2, {1}, 2)), {}, "conv2");
    m.add(test::makeLayer("flatten"), {}, "flatten");
    m.add(test::makeLayer("dense", test::units(3)), {}, "fc");
    m.addHead("final");
    m.initialize(4);
    return m;
}

} // namespace

class TestStochastic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lfsrMaximal_data();
    void lfsrMaximal();
    void streams_data();
    void streams();
    void levels();
    void productVariance_data();
    void productVariance();
    void dotProductVariance();
    void lowDiscrepancyBeatsLfsr();
    void popcountKernel();
    void engine_data();
    void engine();
    void precisionGrowsWithK();
    void statisticalMode();
    void memoryGuard();
};

void TestStochastic::lfsrMaximal_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("role");
    for (int k = 2; k <= 16; ++k) {
        for (int role = 0; role < 2; ++role)
            QTest::newRow(qPrintable(QStringLiteral("k%1 role%2").arg(k).arg(role))) << k << role;
    }
}

void TestStochastic::lfsrMaximal()
{
    QFETCH(int, k);
    QFETCH(int, role);
    const uint32_t mask = lfsrMask(k, role);
    QVERIFY(mask & (1u << (k - 1)));
    QVERIFY(mask < (1u << k));
    std::vector<bool> seen(size_t(1) << k, false);
    uint32_t state = 1;
    int64_t period = 0;
    do {
        QVERIFY2(state != 0 && state < (1u << k), "state left the k-bit range");
        QVERIFY2(!seen[state], "state repeats before the period");
        seen[state] = true;
        state = lfsrStep(state, mask);
        ++period;
    } while (state != 1 && period < (int64_t(1) << k));
    QCOMPARE(period, (int64_t(1) << k) - 1);
    if (k > 2 && role == 1)
        QVERIFY(lfsrMask(k, 0) != lfsrMask(k, 1));
}

void TestStochastic::streams_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("ld");
    for (int k : {2, 4, 5, 6, 7, 10, 12, 16}) {
        for (int role = 0; role < 2; ++role) {
            for (bool ld : {false, true})
                QTest::newRow(
                    qPrintable(QStringLiteral("k%1 r%2%3").arg(k).arg(role).arg(ld ? " ld" : "")))
                    << k << role << ld;
        }
    }
}

void TestStochastic::streams()
{
    QFETCH(int, k);
    QFETCH(int, role);
    QFETCH(bool, ld);
    const StreamSource src(k, role, ld);
    const int64_t length = int64_t(1) << k;
    // Every k-bit number exactly once per cycle.
    std::vector<int> count(size_t(length), 0);
    for (uint16_t r : src.cycle())
        ++count[r];
    for (int c : count)
        QCOMPARE(c, 1);
    // Reproducible: a second source gives the same streams.
    const StreamSource again(k, role, ld);
    QVERIFY(src.cycle() == again.cycle());
    const int words = streamWords(k);
    Random rng(uint64_t(k * 10 + role));
    for (int trial = 0; trial < 20; ++trial) {
        const uint32_t offset = uint32_t(rng.below(length));
        const uint32_t c = uint32_t(rng.below(length));
        std::vector<uint64_t> a(static_cast<size_t>(words)), b(static_cast<size_t>(words));
        src.generate(offset, c, a.data());
        again.generate(offset, c, b.data());
        QVERIFY(a == b);
        // Exactly c ones: the stream encodes c / L exactly.
        QCOMPARE(ones(a), int(c));
        // Bit t is r_t < c.
        for (int64_t t = 0; t < length; t += std::max<int64_t>(1, length / 97)) {
            const bool bit = (a[size_t(t / 64)] >> (t % 64)) & 1u;
            QCOMPARE(bit, src.value(offset, t) < c);
        }
        if (length < 64)
            QCOMPARE(a[0] >> length, uint64_t(0));
    }
    // Different offsets give different streams (for a level away from 0 and L).
    if (k >= 6) {
        std::vector<uint64_t> a(static_cast<size_t>(words)), b(static_cast<size_t>(words));
        src.generate(1, uint32_t(length / 3), a.data());
        src.generate(2, uint32_t(length / 3), b.data());
        QVERIFY(a != b);
    }
}

void TestStochastic::levels()
{
    QCOMPARE(bipolarLevel(-1.0, 8), 0u);
    QCOMPARE(bipolarLevel(0.0, 8), 128u);
    QCOMPARE(bipolarLevel(1.0, 8), 255u); // k-bit register: at most L - 1
    QCOMPARE(bipolarLevel(5.0, 8), 255u);
    QCOMPARE(bipolarLevel(-5.0, 8), 0u);
    QCOMPARE(bipolarLevel(std::nan(""), 8), 128u);
    QCOMPARE(bipolarLevel(0.5, 2), 3u);         // (1.5 * 2) = 3
    QCOMPARE(bipolarLevel(1.0 / 256, 8), 128u); // 128.5 -> 128 (ties to even)
    QCOMPARE(bipolarLevel(3.0 / 256, 8), 130u); // 129.5 -> 130
}

void TestStochastic::productVariance_data()
{
    QTest::addColumn<bool>("ld");
    QTest::newRow("lfsr") << false;
}

void TestStochastic::productVariance()
{
    // Independent Bernoulli streams would give E[error^2] = E[1 - p^2] / L = (8/9) / L for
    // v, w uniform in [-1, 1]. LFSR streams must show the same 1/L law.
    QFETCH(bool, ld);
    std::vector<int> ks;
    std::vector<double> variances;
    for (int k = 6; k <= 12; ++k) {
        const double v = dotVariance(k, 1, ld, 6000, uint64_t(100 + k));
        const double scaled = v * double(int64_t(1) << k);
        qInfo("product, k = %d: variance %.3g, variance * L = %.3f", k, v, scaled);
        QVERIFY2(scaled > 0.2 && scaled < 2.0,
                 qPrintable(QStringLiteral("k = %1: variance * L = %2").arg(k).arg(scaled)));
        ks.push_back(k);
        variances.push_back(v);
    }
    const double s = slope(ks, variances);
    qInfo("product: slope of log2(variance) over k = %.3f", s);
    QVERIFY2(s > -1.15 && s < -0.85, qPrintable(QStringLiteral("slope %1").arg(s)));
}

void TestStochastic::dotProductVariance()
{
    // A 16-term dot product: errors of independent streams add, E ~ 16 * (8/9) / L.
    std::vector<int> ks;
    std::vector<double> variances;
    for (int k = 6; k <= 11; ++k) {
        const double v = dotVariance(k, 16, false, 2500, uint64_t(200 + k));
        const double scaled = v * double(int64_t(1) << k) / 16.0;
        qInfo("16-term dot, k = %d: variance %.3g, variance * L / K = %.3f", k, v, scaled);
        QVERIFY2(scaled > 0.2 && scaled < 2.0,
                 qPrintable(QStringLiteral("k = %1: variance * L / K = %2").arg(k).arg(scaled)));
        ks.push_back(k);
        variances.push_back(v);
    }
    const double s = slope(ks, variances);
    qInfo("16-term dot: slope of log2(variance) over k = %.3f", s);
    QVERIFY2(s > -1.15 && s < -0.85, qPrintable(QStringLiteral("slope %1").arg(s)));
}

void TestStochastic::lowDiscrepancyBeatsLfsr()
{
    // The (0,k,2)-net of the low-discrepancy pair keeps the error near 1/L, not 1/sqrt(L).
    for (int k : {8, 10}) {
        const double lfsr = dotVariance(k, 1, false, 3000, 300);
        const double ld = dotVariance(k, 1, true, 3000, 300);
        qInfo("k = %d: product variance lfsr %.3g, low-discrepancy %.3g", k, lfsr, ld);
        QVERIFY2(ld < lfsr / 8,
                 qPrintable(QStringLiteral("k %1: ld %2 lfsr %3").arg(k).arg(ld).arg(lfsr)));
    }
}

void TestStochastic::popcountKernel()
{
    // xorPopcount against std::popcount on odd sizes (masked tails, partial tiles).
    Random rng(5);
    for (int rows : {1, 3, 5, 9}) {
        for (int cols : {1, 4, 6}) {
            for (int words : {1, 7, 8, 9, 1030}) {
                std::vector<uint64_t> a(size_t(rows * words)), b(size_t(cols * words));
                for (uint64_t &w : a)
                    w = rng.next();
                for (uint64_t &w : b)
                    w = rng.next();
                std::vector<int64_t> out(size_t(rows * cols));
                xorPopcount(rows, cols, words, a.data(), words, b.data(), words, out.data(), cols);
                for (int r = 0; r < rows; ++r) {
                    for (int c = 0; c < cols; ++c) {
                        int64_t want = 0;
                        for (int i = 0; i < words; ++i)
                            want += std::popcount(a[size_t(r * words + i)]
                                                  ^ b[size_t(c * words + i)]);
                        QCOMPARE(out[size_t(r * cols + c)], want);
                    }
                }
            }
        }
    }
    QVERIFY(popcountBitsPerSecond(0.01) > 1e9);
}

void TestStochastic::engine_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("format");
    for (const char *m : {"mlp", "cnn"}) {
        for (const char *f : {"sc2", "sc5", "sc6", "sc8", "sc9:ld", "sc7:seed=3", "sc6:stat"})
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(m, f)))
                << QString::fromLatin1(m) << QString::fromLatin1(f);
    }
}

void TestStochastic::engine()
{
    QFETCH(QString, model);
    QFETCH(QString, format);
    const model::Model m = model == "mlp" ? smallMlp() : smallCnn();
    const int n = 21;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 8, -1.0, 1.5);
    const Variant v = makeVariant(m, format.toStdString(), x.data(), n, "self");
    const VariantEngine e(m, v);
    model::RunOptions options;
    options.blockSize = 5;
    const model::Outputs fast = e.run(x.data(), n, options);
    const model::Outputs serial = e.runSerial(x.data(), n);
    QVERIFY(std::memcmp(fast.heads[0].data(), serial.heads[0].data(),
                        fast.heads[0].size() * sizeof(float))
            == 0);
    // A different seed draws different generators.
    if (!format.contains("stat")) {
        const QString reseeded = format.contains("seed")
                                     ? QString(format.left(format.indexOf(":seed")) + ":seed=4")
                                     : QString(format + ":seed=99");
        const Variant other = makeVariant(m, reseeded.toStdString(), x.data(), n, "");
        const model::Outputs o = VariantEngine(m, other).run(x.data(), n);
        QVERIFY(
            std::memcmp(o.heads[0].data(), fast.heads[0].data(), o.heads[0].size() * sizeof(float))
            != 0);
    }
}

void TestStochastic::precisionGrowsWithK()
{
    const model::Model m = smallCnn();
    const int n = 40;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 9, -1.0, 1.5);
    const VariantEngine reference(m, std::vector<FormatSpec>());
    std::vector<double> sqnr;
    for (const char *f : {"sc6", "sc9", "sc12", "sc12:ld"}) {
        const VariantEngine e(m, makeVariant(m, f, x.data(), n, ""));
        sqnr.push_back(e.compare(reference, x.data(), n).back().sqnrDb());
    }
    // Every 3 bits (8x longer streams) gain about 9 dB (variance ~ 1/L).
    QVERIFY2(sqnr[1] > sqnr[0] + 5 && sqnr[2] > sqnr[1] + 5,
             qPrintable(QStringLiteral("%1 %2 %3").arg(sqnr[0]).arg(sqnr[1]).arg(sqnr[2])));
    QVERIFY2(sqnr[3] > sqnr[2], qPrintable(QStringLiteral("ld %1").arg(sqnr[3])));
}

void TestStochastic::statisticalMode()
{
    // The statistical mode models independent streams: its SQNR is in the same range as
    // the bit-level one (within 6 dB here), and it is reproducible.
    const model::Model m = smallMlp();
    const int n = 200;
    const std::vector<float> x = test::randomInput(n, m.inputShape, 10, -1.0, 1.5);
    const VariantEngine reference(m, std::vector<FormatSpec>());
    const VariantEngine bits(m, makeVariant(m, "sc8", x.data(), n, ""));
    const VariantEngine stat(m, makeVariant(m, "sc8:stat", x.data(), n, ""));
    const double a = bits.compare(reference, x.data(), n).back().sqnrDb();
    const double b = stat.compare(reference, x.data(), n).back().sqnrDb();
    QVERIFY2(std::abs(a - b) < 6, qPrintable(QStringLiteral("%1 vs %2 dB").arg(a).arg(b)));
    const model::Outputs s1 = stat.run(x.data(), n);
    const model::Outputs s2 = stat.run(x.data(), n);
    QVERIFY(s1.heads[0] == s2.heads[0]);
}

void TestStochastic::memoryGuard()
{
    model::Model m;
    m.name = "big";
    m.inputShape = {4096};
    m.add(test::makeLayer("dense", test::units(2048)), {}, "fc");
    m.addHead("final");
    m.initialize(1);
    const std::vector<float> x(4096, 0.5f);
    const Variant v = makeVariant(m, "sc12", x.data(), 1, "");
    try {
        VariantEngine e(m, v);
        QFAIL("no error");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("MiB")), e.what());
    }
    // The statistical mode keeps no streams.
    const VariantEngine stat(m, makeVariant(m, "sc12:stat", x.data(), 1, ""));
    QCOMPARE(stat.run(x.data(), 1).heads[0].size(), size_t(2048));
}

QTEST_GUILESS_MAIN(TestStochastic)
#include "tst_stochastic.moc"
