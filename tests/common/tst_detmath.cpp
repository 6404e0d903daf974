// The fixed-order elementary functions: accuracy against the C library over their
// domains, the special values, and bit patterns that may not change between builds (a
// change of the arithmetic would silently change every stored result).

#include "common/detmath.h"
#include "common/random.h"

#include <QtTest>

#include <bit>
#include <cmath>
#include <limits>

using namespace frontier;

namespace {

double ulps(double got, double want)
{
    if (got == want || (std::isnan(got) && std::isnan(want)))
        return 0;
    const double step = std::fabs(std::nextafter(want, INFINITY) - want);
    return std::fabs(got - want) / step;
}

template<typename F, typename G>
double worstUlps(F ours, G theirs, double lo, double hi, int count, uint64_t seed)
{
    Random rng(seed);
    double worst = 0;
    for (int i = 0; i < count; ++i) {
        const double x = rng.uniform(lo, hi);
        worst = std::max(worst, ulps(ours(x), theirs(x)));
    }
    return worst;
}

} // namespace

class TestDetMath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accuracy_data();
    void accuracy();
    void specialValues();
    void fixedBits();
    void fusedMultiplyAdd();
};

void TestDetMath::accuracy_data()
{
    QTest::addColumn<QString>("function");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("maxUlps");
    QTest::newRow("exp wide") << "exp" << -740.0 << 709.0 << 2.0;
    QTest::newRow("exp near 0") << "exp" << -0.5 << 0.5 << 2.0;
    QTest::newRow("log") << "log" << 1e-300 << 1e300 << 2.0;
    QTest::newRow("log near 1") << "log" << 0.5 << 2.0 << 2.0;
    QTest::newRow("log1p small") << "log1p" << -1e-3 << 1e-3 << 2.0;
    QTest::newRow("log1p") << "log1p" << -0.9 << 100.0 << 3.0;
    QTest::newRow("cos") << "cos" << -7.0 << 7.0 << 2.0;
    QTest::newRow("sin") << "sin" << -7.0 << 7.0 << 2.0;
    QTest::newRow("cos 2pi u") << "cos" << 0.0 << 6.283185307179586 << 2.0;
    QTest::newRow("tanh") << "tanh" << -25.0 << 25.0 << 4.0;
    QTest::newRow("tanh small") << "tanh" << -0.01 << 0.01 << 4.0;
    QTest::newRow("logistic") << "logistic" << -40.0 << 40.0 << 4.0;
}

void TestDetMath::accuracy()
{
    QFETCH(QString, function);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, maxUlps);
    double worst = 0;
    const int count = 200000;
    if (function == "exp")
        worst = worstUlps(
            dmath::exp, [](double x) { return std::exp(x); }, lo, hi, count, 1);
    else if (function == "log") {
        // Log-uniform over the range: every exponent is exercised.
        Random rng(2);
        for (int i = 0; i < count; ++i) {
            const double x = std::exp(rng.uniform(std::log(lo), std::log(hi)));
            worst = std::max(worst, ulps(dmath::log(x), std::log(x)));
        }
    } else if (function == "log1p")
        worst = worstUlps(
            dmath::log1p, [](double x) { return std::log1p(x); }, lo, hi, count, 3);
    else if (function == "cos")
        worst = worstUlps(
            dmath::cos, [](double x) { return std::cos(x); }, lo, hi, count, 4);
    else if (function == "sin")
        worst = worstUlps(
            dmath::sin, [](double x) { return std::sin(x); }, lo, hi, count, 5);
    else if (function == "tanh")
        worst = worstUlps(
            dmath::tanh, [](double x) { return std::tanh(x); }, lo, hi, count, 6);
    else if (function == "logistic")
        worst = worstUlps(
            dmath::logistic, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, lo, hi, count, 7);
    qInfo("%s on [%g, %g]: worst %.2f ulp", qPrintable(function), lo, hi, worst);
    QVERIFY2(worst <= maxUlps, qPrintable(QString::number(worst)));
}

void TestDetMath::specialValues()
{
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QCOMPARE(dmath::exp(0.0), 1.0);
    QCOMPARE(dmath::exp(1000.0), inf);
    QCOMPARE(dmath::exp(-1000.0), 0.0);
    QCOMPARE(dmath::exp(-inf), 0.0);
    QVERIFY(std::isnan(dmath::exp(nan)));
    QVERIFY(dmath::exp(-745.0) > 0.0); // subnormal, not flushed
    QCOMPARE(dmath::log(1.0), 0.0);
    QCOMPARE(dmath::log(0.0), -inf);
    QCOMPARE(dmath::log(inf), inf);
    QVERIFY(std::isnan(dmath::log(-1.0)));
    QVERIFY(std::isfinite(dmath::log(4.9e-324)));
    QCOMPARE(dmath::log1p(0.0), 0.0);
    QCOMPARE(dmath::log1p(-1.0), -inf);
    QCOMPARE(dmath::log1p(1e-300), 1e-300);
    QCOMPARE(dmath::tanh(0.0), 0.0);
    QCOMPARE(dmath::tanh(30.0), 1.0);
    QCOMPARE(dmath::tanh(-30.0), -1.0);
    QCOMPARE(dmath::cos(0.0), 1.0);
    QCOMPARE(dmath::sin(0.0), 0.0);
    QVERIFY(std::isnan(dmath::cos(inf)));
    QCOMPARE(dmath::logistic(0.0), 0.5);
    QCOMPARE(dmath::logistic(-1000.0), 0.0);
    QCOMPARE(dmath::powi(0.9, 0), 1.0);
    QCOMPARE(dmath::powi(2.0, 10), 1024.0);
    QVERIFY(std::fabs(dmath::powi(0.999, 5000) - std::pow(0.999, 5000)) < 1e-12);
    QVERIFY(std::fabs(dmath::log10(1000.0) - 3.0) < 1e-15);
}

// Bit patterns written down once: a change of the algorithms, or a compiler that fused
// or reordered their operations (also seen with -march=native and -ffp-contract=off), shows
// here first, before it silently changes stored results.
void TestDetMath::fixedBits()
{
    struct Case
    {
        double (*f)(double);
        double x;
        uint64_t bits;
    };
    const Case cases[] = {
        {dmath::exp, 0.7, 0x40001c2a61268987ull}, {dmath::exp, -3.25, 0x3fa3da368521902dull},
        {dmath::log, 0.3, 0xbff34378fcbda721ull}, {dmath::log, 12345.678, 0x4022d79559791e31ull},
        {dmath::cos, 2.0, 0xbfdaa22657537205ull}, {dmath::tanh, 0.4, 0x3fd8511573c242d6ull},
    };
    for (const Case &c : cases) {
        volatile double x = c.x; // no constant folding
        QCOMPARE(QString::number(std::bit_cast<uint64_t>(c.f(x)), 16), QString::number(c.bits, 16));
    }
}

// dmath::fma is the portable path's multiply-add: it must be the IEEE fused multiply-add
// to the bit, or the portable path disagrees with the FMA kernels. The reference is the C
// library's fmaf (exact by its contract, in hardware or in software).
void TestDetMath::fusedMultiplyAdd()
{
    Random rng(8);
    auto bitsOf = [](float f) {
        return std::bit_cast<uint32_t>(f);
    };
    auto anyFloat = [&] {
        return std::bit_cast<float>(uint32_t(rng.next()));
    };
    auto near = [&](int spread) { // sign, exponent within ±spread of 1, random mantissa
        const uint32_t sign = uint32_t(rng.next() & 1) << 31;
        const int e = 127 + int(rng.next() % uint64_t(2 * spread + 1)) - spread;
        return std::bit_cast<float>(sign | uint32_t(e) << 23 | uint32_t(rng.next() & 0x7fffff));
    };
    int64_t checked = 0;
    auto check = [&](float a, float b, float c) {
        const float ours = dmath::fma(a, b, c);
        const float want = std::fma(a, b, c);
        ++checked;
        if (bitsOf(ours) == bitsOf(want) || (std::isnan(ours) && std::isnan(want)))
            return true;
        qWarning("fma(%a, %a, %a) = %a, want %a", double(a), double(b), double(c), double(ours),
                 double(want));
        return false;
    };
    for (int i = 0; i < 1000000; ++i) {
        // Every bit pattern (infinities, NaNs, subnormals, zeros of both signs) ...
        QVERIFY(check(anyFloat(), anyFloat(), anyFloat()));
        // ... ordinary magnitudes ...
        const float a = near(8), b = near(8);
        QVERIFY(check(a, b, near(12)));
        // ... near-cancellation, where the double sum is inexact and rounding to odd matters ...
        const float p = a * b;
        const float c = -p * (1.0f + float(int(rng.next() % 2001) - 1000) * 1e-7f);
        QVERIFY(check(a, b, c));
        QVERIFY(check(a, b, std::nextafter(-p, 0.0f)));
        // ... and results in the subnormal range.
        QVERIFY(check(near(4) * 1e-20f, near(4) * 1e-19f, near(4) * 1e-38f));
    }
    const float inf = std::numeric_limits<float>::infinity();
    const float fmax = std::numeric_limits<float>::max();
    const float tiny = std::numeric_limits<float>::denorm_min();
    const float edge[][3] = {{0.0f, 0.0f, -0.0f},
                             {-0.0f, 1.0f, -0.0f},
                             {-0.0f, 1.0f, 0.0f},
                             {1.0f, -1.0f, 1.0f},
                             {inf, 0.0f, 1.0f},
                             {inf, 1.0f, -inf},
                             {fmax, 2.0f, -fmax},
                             {fmax, 1.0f, fmax},
                             {tiny, tiny, 0.0f},
                             {tiny, 0.5f, 0.0f},
                             {tiny, -0.5f, -0.0f},
                             {1.5f, tiny, tiny},
                             {1.0f + 0x1p-23f, 1.0f - 0x1p-24f, -1.0f}};
    for (const auto &e : edge)
        QVERIFY(check(e[0], e[1], e[2]));
    qInfo("%lld cases equal to fmaf", static_cast<long long>(checked));
}

QTEST_GUILESS_MAIN(TestDetMath)
#include "tst_detmath.moc"
