// The posit plugin's rounding (plugins/posit/posit.h) against the 2022 Posit Standard:
// known encodings, every pattern's round trip, and round-to-nearest-even on the pattern
// checked against an independent reference built from (n+1)-bit midpoints.

#include "posit.h"

#include "testutil.h"

#include <cmath>
#include <limits>
#include <string>

using frontier::posit::Format;

namespace {

// Reference decoder, written from the standard's definition on a bit string: value of
// an n-bit pattern (n up to 17) as a double.
double referenceValue(uint32_t pattern, int n, int es)
{
    std::string bits;
    for (int i = n - 1; i >= 0; --i)
        bits += ((pattern >> i) & 1u) ? '1' : '0';
    if (bits.find('1') == std::string::npos)
        return 0;
    if (bits == std::string("1").append(size_t(n - 1), '0'))
        return std::numeric_limits<double>::quiet_NaN();
    const bool negative = bits[0] == '1';
    if (negative) { // two's complement
        uint32_t p = (~pattern + 1u) & ((1u << n) - 1);
        bits.clear();
        for (int i = n - 1; i >= 0; --i)
            bits += ((p >> i) & 1u) ? '1' : '0';
    }
    const std::string body = bits.substr(1);
    size_t run = 1;
    while (run < body.size() && body[run] == body[0])
        ++run;
    const int k = body[0] == '1' ? int(run) - 1 : -int(run);
    std::string rest = run < body.size() ? body.substr(run + 1) : std::string();
    std::string exponent = rest.substr(0, std::min(rest.size(), size_t(es)));
    exponent.resize(size_t(es), '0');
    const std::string fraction = rest.size() > size_t(es) ? rest.substr(size_t(es)) : "";
    int e = 0;
    for (char c : exponent)
        e = e * 2 + (c == '1');
    double f = 1;
    double weight = 0.5;
    for (char c : fraction) {
        if (c == '1')
            f += weight;
        weight /= 2;
    }
    const double v = std::ldexp(f, k * (1 << es) + e);
    return negative ? -v : v;
}

} // namespace

class TestPosit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownEncodings_data();
    void knownEncodings();
    void everyPatternRoundTrips();
    void decodeMatchesTheReference();
    void roundsToNearestEvenOnThePattern();
    void patternMidpointsAreNotValueMidpoints();
    void saturatesAndNeverRoundsToZero();
    void namesAndRanges();
    void tableRounderAgrees();
};

void TestPosit::knownEncodings_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("es");
    QTest::addColumn<double>("value");
    QTest::addColumn<uint>("pattern");
    auto row = [](const char *name, int n, int es, double v, uint p) {
        QTest::newRow(name) << n << es << v << p;
    };
    row("posit8es0 1", 8, 0, 1.0, 0x40);
    row("posit8es0 -1", 8, 0, -1.0, 0xC0);
    row("posit8es0 0.5", 8, 0, 0.5, 0x20);
    row("posit8es0 1.5", 8, 0, 1.5, 0x50);
    row("posit8es0 2", 8, 0, 2.0, 0x60);
    row("posit8es0 3", 8, 0, 3.0, 0x68);
    row("posit8es0 32", 8, 0, 32.0, 0x7E);
    row("posit8es0 maxpos", 8, 0, 64.0, 0x7F);
    row("posit8es0 minpos", 8, 0, 1.0 / 64, 0x01);
    row("posit8es0 -maxpos", 8, 0, -64.0, 0x81);
    row("posit8es1 2", 8, 1, 2.0, 0x50);
    row("posit8es1 4", 8, 1, 4.0, 0x60);
    row("posit8es1 maxpos", 8, 1, 4096.0, 0x7F);
    row("posit8es1 minpos", 8, 1, 1.0 / 4096, 0x01);
    row("posit8 (es2) maxpos", 8, 2, std::ldexp(1.0, 24), 0x7F);
    row("posit8 (es2) minpos", 8, 2, std::ldexp(1.0, -24), 0x01);
    row("posit8 (es2) 16", 8, 2, 16.0, 0x60);
    row("posit16es1 1", 16, 1, 1.0, 0x4000);
    row("posit16es1 -1", 16, 1, -1.0, 0xC000);
    row("posit16es1 maxpos", 16, 1, std::ldexp(1.0, 28), 0x7FFF);
    row("posit16es1 minpos", 16, 1, std::ldexp(1.0, -28), 0x0001);
    row("posit16es1 1+2^-12", 16, 1, 1.0 + std::ldexp(1.0, -12), 0x4001);
    row("posit16es1 1+2^-11", 16, 1, 1.0 + std::ldexp(1.0, -11), 0x4002);
}

void TestPosit::knownEncodings()
{
    QFETCH(int, n);
    QFETCH(int, es);
    QFETCH(double, value);
    QFETCH(uint, pattern);
    const Format f(n, es);
    QCOMPARE(f.encode(value), uint32_t(pattern));
    QCOMPARE(f.decode(pattern), value);
}

void TestPosit::everyPatternRoundTrips()
{
    for (int n = 2; n <= 16; ++n) {
        for (int es = 0; es <= 3; ++es) {
            const Format f(n, es);
            for (uint32_t p = 0; p < (1u << n); ++p) {
                if (p == f.nar()) {
                    QVERIFY(std::isnan(f.decode(p)));
                    continue;
                }
                const double v = f.decode(p);
                if (f.encode(v) != p)
                    QFAIL(qPrintable(QStringLiteral("posit%1es%2 pattern 0x%3 = %4 encodes to 0x%5")
                                         .arg(n)
                                         .arg(es)
                                         .arg(p, 0, 16)
                                         .arg(v, 0, 'g', 17)
                                         .arg(f.encode(v), 0, 16)));
                // Exactly representable in float: the kernels round through float.
                QCOMPARE(double(float(v)), v);
                QCOMPARE(f.round(float(v)), float(v));
            }
        }
    }
}

void TestPosit::decodeMatchesTheReference()
{
    for (int n : {2, 3, 5, 8, 11, 16}) {
        for (int es = 0; es <= 3; ++es) {
            const Format f(n, es);
            for (uint32_t p = 0; p < (1u << n); ++p) {
                const double want = referenceValue(p, n, es);
                const double got = f.decode(p);
                QVERIFY2(
                    (std::isnan(want) && std::isnan(got)) || want == got,
                    qPrintable(QStringLiteral("posit%1es%2 0x%3").arg(n).arg(es).arg(p, 0, 16)));
            }
        }
    }
}

// Between consecutive positive posits u < w lies the (n+1)-bit posit whose pattern is
// u's followed by a 1: below it rounds to u, above it to w, on it to the even pattern.
void TestPosit::roundsToNearestEvenOnThePattern()
{
    for (int n : {3, 4, 6, 8, 10, 16}) {
        for (int es = 0; es <= 3; ++es) {
            const Format f(n, es);
            const uint32_t maxPattern = (1u << (n - 1)) - 1;
            for (uint32_t u = 1; u < maxPattern; ++u) {
                const double mid = referenceValue((u << 1) | 1u, n + 1, es);
                const uint32_t even = (u & 1u) ? u + 1 : u;
                const double below = std::nextafter(mid, 0.0);
                const double above = std::nextafter(mid, INFINITY);
                const QString where = QStringLiteral("posit%1es%2 between 0x%3 and 0x%4")
                                          .arg(n)
                                          .arg(es)
                                          .arg(u, 0, 16)
                                          .arg(u + 1, 0, 16);
                QVERIFY2(f.encode(mid) == even, qPrintable(where + QStringLiteral(" (tie)")));
                QVERIFY2(f.encode(below) == u, qPrintable(where + QStringLiteral(" (below)")));
                QVERIFY2(f.encode(above) == u + 1, qPrintable(where + QStringLiteral(" (above)")));
                // The same on the negative side (two's complement patterns).
                const uint32_t mask = (1u << n) - 1;
                QVERIFY2(f.encode(-below) == ((~u + 1u) & mask),
                         qPrintable(where + QStringLiteral(" (negative)")));
            }
        }
    }
}

void TestPosit::patternMidpointsAreNotValueMidpoints()
{
    // posit8es1 near maxpos: 0x7E = 1024 and 0x7F = 4096 have no fraction or exponent
    // bits left; the pattern midpoint is 2048, not (1024 + 4096) / 2.
    const Format f(8, 1);
    QCOMPARE(f.decode(0x7E), 1024.0);
    QCOMPARE(f.decode(0x7F), 4096.0);
    QCOMPARE(f.encode(2048.0), 0x7Eu); // a tie: the even pattern
    QCOMPARE(f.encode(2049.0), 0x7Fu);
    QCOMPARE(f.encode(2500.0), 0x7Fu); // nearer 1024 in value, above the pattern midpoint
    QCOMPARE(f.encode(2047.0), 0x7Eu);
    // Ties to even where fraction bits remain: posit8es0, 1 + 1/64 and 1 + 3/64.
    const Format g(8, 0);
    QCOMPARE(g.encode(1.0 + 1.0 / 64), 0x40u);
    QCOMPARE(g.encode(1.0 + 3.0 / 64), 0x42u);
    QCOMPARE(g.encode(1.0 + 1.0 / 64 + 1e-9), 0x41u);
}

void TestPosit::saturatesAndNeverRoundsToZero()
{
    const Format f(8, 0);
    QCOMPARE(f.encode(1e30), 0x7Fu);
    QCOMPARE(f.encode(-1e30), 0x81u);
    QCOMPARE(f.encode(65.0), 0x7Fu);
    QCOMPARE(f.encode(1e-30), 0x01u);
    QCOMPARE(f.encode(-1e-30), 0xFFu);
    QCOMPARE(f.encode(0.0), 0x00u);
    QCOMPARE(f.encode(-0.0), 0x00u);
    QCOMPARE(f.encode(std::numeric_limits<double>::quiet_NaN()), 0x80u);
    QCOMPARE(f.encode(INFINITY), 0x80u);
    QCOMPARE(f.encode(-INFINITY), 0x80u);
    QVERIFY(std::isnan(f.round(NAN)));
    QCOMPARE(f.round(100.0f), 64.0f);
    QCOMPARE(f.round(1e-9f), 1.0f / 64);
}

void TestPosit::namesAndRanges()
{
    QCOMPARE(Format(8, 0).name(), std::string("posit8es0"));
    QCOMPARE(Format(16, 1).name(), std::string("posit16es1"));
    QCOMPARE(Format(8, 1).maxFractionBits(), 4);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Format(1, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Format(17, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Format(8, 4));
}

void TestPosit::tableRounderAgrees()
{
    // The kernels' fast path gives Format::round's result on values at, between and just
    // around every pattern and midpoint, and on a spread of floats of every magnitude.
    for (int n : {4, 8, 12, 16}) {
        for (int es = 0; es <= 3; ++es) {
            const Format f(n, es);
            const frontier::posit::Rounder r(f);
            std::vector<float> xs = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e-38f, 3e38f};
            for (uint32_t u = 0; u < (1u << (n - 1)); ++u) {
                const float mid = float(referenceValue((u << 1) | 1u, n + 1, es));
                for (float x : {float(f.decode(u)), mid, std::nextafter(mid, 0.0f),
                                std::nextafter(mid, INFINITY)}) {
                    xs.push_back(x);
                    xs.push_back(-x);
                }
            }
            uint32_t state = 12345;
            for (int i = 0; i < 20000; ++i) {
                state = state * 1664525u + 1013904223u;
                const float x
                    = std::ldexp(float(state >> 8) / float(1 << 24), int(state % 200) - 100);
                xs.push_back((state & 1u) ? -x : x);
            }
            std::vector<float> many(xs.size());
            r.round(xs.data(), many.data(), xs.size());
            for (size_t i = 0; i < xs.size(); ++i) {
                const float want = f.round(xs[i]);
                const float got = r.round(xs[i]);
                const bool same = (std::isnan(want) && std::isnan(got)) || want == got;
                QVERIFY2(same, qPrintable(QStringLiteral("posit%1es%2 at %3")
                                              .arg(n)
                                              .arg(es)
                                              .arg(double(xs[i]), 0, 'g', 9)));
                QVERIFY(std::isnan(want) ? std::isnan(many[i]) : many[i] == want);
            }
        }
    }
}

QTEST_APPLESS_MAIN(TestPosit)
#include "tst_posit.moc"
