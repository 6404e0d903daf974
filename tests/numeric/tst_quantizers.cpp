// Format names, integer affine / fixed point quantization, minifloat rounding and the
// saturating accumulator: table-driven edge cases from the numerics contract.

#include "testutil.h"

#include "numeric/affine.h"
#include "numeric/calibration.h"
#include "numeric/formatassignment.h"
#include "numeric/formatregistry.h"
#include "numeric/formatspec.h"
#include "numeric/minifloat.h"

#include "common/error.h"
#include "common/random.h"

#include <QtTest>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

using namespace frontier;
using namespace frontier::numeric;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

bool sameFloat(float a, float b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
}

// bf16 by the classic bit trick (round half to even on the upper 16 bits of a float32):
// an implementation independent of Minifloat.
float bf16BitTrick(float x)
{
    uint32_t u = std::bit_cast<uint32_t>(x);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return std::bit_cast<float>(u & 0xFFFF0000u);
}

} // namespace

__extension__ typedef _Float16 Half;

class TestQuantizers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseFormat_data();
    void parseFormat();
    void badFormats_data();
    void badFormats();
    void expandList_data();
    void expandList();
    void assignments_data();
    void assignments();
    void families();

    void activationQuantize_data();
    void activationQuantize();
    void weightQuantize_data();
    void weightQuantize();
    void fixedPoint_data();
    void fixedPoint();
    void stochasticRounding();
    void bias_data();
    void bias();
    void accumulator_data();
    void accumulator();

    void minifloat_data();
    void minifloat();
    void fp16AgainstCompiler();
    void bf16AgainstBitTrick();
    void floatPathMatchesDoublePath_data();
    void blockRoundMatchesRound_data();
    void blockRoundMatchesRound();
    void floatPathMatchesDoublePath();

    void calibrationMethods();
};

void TestQuantizers::parseFormat_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("weightBits");
    QTest::addColumn<int>("activationBits");
    QTest::addColumn<int>("accumulatorBits");

    using K = FormatSpec::Kind;
    QTest::newRow("fp32") << "fp32"
                          << "fp32" << int(K::Float32) << 32 << 32 << 32;
    QTest::newRow("fp64") << "FP64"
                          << "fp64" << int(K::Float64) << 64 << 64 << 64;
    QTest::newRow("int8") << "int8"
                          << "int8" << int(K::Integer) << 8 << 8 << 32;
    QTest::newRow("int2") << "int2"
                          << "int2" << int(K::Integer) << 2 << 2 << 32;
    QTest::newRow("int16") << "int16"
                           << "int16" << int(K::Integer) << 16 << 16 << 32;
    QTest::newRow("w8a8 = int8") << "w8a8"
                                 << "int8" << int(K::Integer) << 8 << 8 << 32;
    QTest::newRow("w4a8") << " w4a8 "
                          << "w4a8" << int(K::Integer) << 4 << 8 << 32;
    QTest::newRow("suffix order") << "int8:acc16:sym:pt"
                                  << "int8:pt:sym:acc16" << int(K::Integer) << 8 << 8 << 16;
    QTest::newRow("acc32 is default") << "int4:acc32"
                                      << "int4" << int(K::Integer) << 4 << 4 << 32;
    QTest::newRow("sr seed") << "int4:seed=7:sr"
                             << "int4:sr:seed=7" << int(K::Integer) << 4 << 4 << 32;
    QTest::newRow("cal") << "int8:cal=mse"
                         << "int8:cal=mse" << int(K::Integer) << 8 << 8 << 32;
    QTest::newRow("cal minmax default") << "int8:cal=minmax"
                                        << "int8" << int(K::Integer) << 8 << 8 << 32;
    QTest::newRow("q4.12") << "q4.12"
                           << "q4.12" << int(K::FixedPoint) << 16 << 16 << 32;
    QTest::newRow("q1.7 acc") << "q1.7:acc12"
                              << "q1.7:acc12" << int(K::FixedPoint) << 8 << 8 << 12;
    QTest::newRow("fp16") << "fp16"
                          << "fp16" << int(K::Minifloat) << 16 << 16 << 32;
    QTest::newRow("e5m10 = fp16") << "e5m10"
                                  << "fp16" << int(K::Minifloat) << 16 << 16 << 32;
    QTest::newRow("bf16") << "bf16"
                          << "bf16" << int(K::Minifloat) << 16 << 16 << 32;
    QTest::newRow("e8m7 = bf16") << "e8m7"
                                 << "bf16" << int(K::Minifloat) << 16 << 16 << 32;
    QTest::newRow("fp8e4m3") << "fp8e4m3"
                             << "fp8e4m3" << int(K::Minifloat) << 8 << 8 << 32;
    QTest::newRow("e4m3 is IEEE-like") << "e4m3"
                                       << "e4m3" << int(K::Minifloat) << 8 << 8 << 32;
    QTest::newRow("fp8e5m2") << "e5m2"
                             << "fp8e5m2" << int(K::Minifloat) << 8 << 8 << 32;
    QTest::newRow("fp16 acc inf") << "fp16:acc:inf"
                                  << "fp16:inf:acc" << int(K::Minifloat) << 16 << 16 << 16;
    QTest::newRow("sc8") << "sc8"
                         << "sc8" << int(K::Stochastic) << 8 << 8 << 32;
    QTest::newRow("sc12 ld") << "sc12:ld:seed=3"
                             << "sc12:ld:seed=3" << int(K::Stochastic) << 12 << 12 << 32;
    QTest::newRow("sc6 stat") << "sc6:stat"
                              << "sc6:stat" << int(K::Stochastic) << 6 << 6 << 32;
}

void TestQuantizers::parseFormat()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QFETCH(int, kind);
    QFETCH(int, weightBits);
    QFETCH(int, activationBits);
    QFETCH(int, accumulatorBits);
    const FormatSpec f = numeric::parseFormat(text.toStdString());
    QCOMPARE(QString::fromStdString(f.name), canonical);
    QCOMPARE(int(f.kind), kind);
    QCOMPARE(f.weightBits, weightBits);
    QCOMPARE(f.activationBits, activationBits);
    QCOMPARE(f.accumulatorBits, accumulatorBits);
    // The canonical name parses to itself.
    QCOMPARE(QString::fromStdString(numeric::parseFormat(f.name).name), canonical);
    QCOMPARE(QString::fromStdString(canonicalName(f)), canonical);
}

void TestQuantizers::badFormats_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("unknown") << "int"
                             << "unknown format";
    QTest::newRow("int1") << "int1"
                          << "outside 2..16";
    QTest::newRow("int17") << "int17"
                           << "outside 2..16";
    QTest::newRow("w4a1") << "w4a1"
                          << "activation bits";
    QTest::newRow("int8:inf") << "int8:inf"
                              << "does not apply";
    QTest::newRow("fp8e4m3:inf") << "fp8e4m3:inf"
                                 << "no infinity";
    QTest::newRow("e9m2") << "e9m2"
                          << "outside 2..8";
    QTest::newRow("e5m24") << "e5m24"
                           << "outside 0..23";
    QTest::newRow("q0.8") << "q0.8"
                          << "outside 1..16";
    QTest::newRow("q9.8") << "q9.8"
                          << "outside 2..16";
    QTest::newRow("sc1") << "sc1"
                         << "outside 2..16";
    QTest::newRow("sc17") << "sc17"
                          << "outside 2..16";
    QTest::newRow("acc4") << "int8:acc4"
                          << "outside 8..64";
    QTest::newRow("accx") << "int8:accx"
                          << "is not :acc<bits>";
    QTest::newRow("seed without sr") << "int8:seed=3"
                                     << "needs ':sr'";
    QTest::newRow("bad seed") << "sc8:seed=-1"
                              << "seed";
    QTest::newRow("bad cal") << "int8:cal=avg"
                             << "calibration";
    QTest::newRow("twice") << "int8:pt:pt"
                           << "twice";
    QTest::newRow("empty suffix") << "int8:"
                                  << "empty suffix";
    QTest::newRow("sc ld on int") << "int8:ld"
                                  << "does not apply";
    QTest::newRow("fp32 suffix") << "fp32:acc"
                                 << "does not apply";
}

void TestQuantizers::badFormats()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    try {
        numeric::parseFormat(text.toStdString());
        QFAIL("no error");
    } catch (const Error &e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(reason), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("valid forms:")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("q<m>.<n>")), qPrintable(message));
        QVERIFY(!message.contains(QLatin1Char('\n')));
        QVERIFY(message.startsWith(QStringLiteral("format '")));
    }
}

void TestQuantizers::expandList_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("one") << "int8" << QStringList{"int8"};
    QTest::newRow("range") << "int2..int5" << QStringList{"int2", "int3", "int4", "int5"};
    QTest::newRow("descending") << "sc8..sc6" << QStringList{"sc8", "sc7", "sc6"};
    QTest::newRow("mixed") << "int2..int3, fp16,bf16,fp8e4m3,sc6..sc7"
                           << QStringList{"int2", "int3", "fp16", "bf16", "fp8e4m3", "sc6", "sc7"};
    QTest::newRow("w range") << "w2a8..w4a8" << QStringList{"w2a8", "w3a8", "w4a8"};
    QTest::newRow("suffix kept") << "int4:pt..int5:pt" << QStringList{"int4:pt", "int5:pt"};
    QTest::newRow("canonical") << "e5m10,w8a8" << QStringList{"fp16", "int8"};
    QTest::newRow("same ends") << "int4..int4" << QStringList{"int4"};
}

void TestQuantizers::expandList()
{
    QFETCH(QString, list);
    QFETCH(QStringList, expected);
    QStringList got;
    for (const std::string &s : expandFormatList(list.toStdString()))
        got << QString::fromStdString(s);
    QCOMPARE(got, expected);

    for (const char *bad :
         {"int2..fp16", "int2..int17", "w2a2..w4a4", "", "int8,,fp16", "int2..int4..int6"}) {
        try {
            expandFormatList(bad);
            QFAIL(bad);
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("valid forms")), e.what());
        }
    }
}

void TestQuantizers::assignments_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<QStringList>("formats"); // per layer of the test model
    // Model: fc1 (dense), relu, fc2 (dense), relu, fc3 (dense), softmax.
    QTest::newRow("one format") << "int4"
                                << "int4"
                                << QStringList{"int4", "fp32", "int4", "fp32", "int4", "fp32"};
    QTest::newRow("first and last") << "w4a8; first=int8 ;last=w8a8"
                                    << "w4a8;first=int8;last=int8"
                                    << QStringList{"int8", "fp32", "w4a8", "fp32", "int8", "fp32"};
    QTest::newRow("by name") << "fp16;fc2=e5m2"
                             << "fp16;fc2=fp8e5m2"
                             << QStringList{"fp16", "fp32", "fp8e5m2", "fp32", "fp16", "fp32"};
    QTest::newRow("later wins") << "int8;fc1=int4;first=int6"
                                << "int8;fc1=int4;first=int6"
                                << QStringList{"int6", "fp32", "int8", "fp32", "int8", "fp32"};
}

void TestQuantizers::assignments()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QFETCH(QStringList, formats);
    model::Model m;
    m.name = "toy";
    m.inputShape = {4};
    m.add(model::createLayer("dense", {{"units", {3}}}), {}, "fc1");
    m.add(model::createLayer("relu", {}));
    m.add(model::createLayer("dense", {{"units", {3}}}), {}, "fc2");
    m.add(model::createLayer("relu", {}));
    m.add(model::createLayer("dense", {{"units", {2}}}), {}, "fc3");
    m.add(model::createLayer("softmax", {}));
    m.addHead("final");
    m.initialize(1);
    const FormatAssignment a = FormatAssignment::parse(text.toStdString());
    QCOMPARE(QString::fromStdString(a.canonical()), canonical);
    QStringList got;
    for (const FormatSpec &f : a.resolve(m))
        got << QString::fromStdString(f.name);
    QCOMPARE(got, formats);

    QVERIFY_THROWS_EXCEPTION(Error, FormatAssignment::parse("int8;fc9=int4").resolve(m));
    QVERIFY_THROWS_EXCEPTION(Error, FormatAssignment::parse("int8;relu1=int4").resolve(m));
    QVERIFY_THROWS_EXCEPTION(Error, FormatAssignment::parse("int8;first"));
    QVERIFY_THROWS_EXCEPTION(Error, FormatAssignment::parse("int8;first=int99"));
    const std::vector<std::string> list = expandAssignmentList("int2..int3,w4a8;first=int8");
    QCOMPARE(list.size(), size_t(3));
    QCOMPARE(QString::fromStdString(list[2]), QStringLiteral("w4a8;first=int8"));
}

void TestQuantizers::families()
{
    const auto f = formatFamilies();
    QVERIFY(f.size() >= 5);
    for (const auto &[pattern, description] : f) {
        QVERIFY(!pattern.empty());
        QVERIFY(!description.empty());
        QVERIFY(description.find('\n') == std::string::npos);
    }
    // A family added at run time is parsed like the built-ins.
    FormatFamily extra;
    extra.pattern = "test<n>";
    extra.description = "test family";
    extra.validForm = "test<n>";
    extra.parse = [](const std::string &base, const std::vector<std::string> &, FormatSpec &spec) {
        if (base != "testfmt")
            return false;
        spec = FormatSpec();
        spec.name = "testfmt";
        return true;
    };
    FormatRegistry::instance().add(extra);
    QCOMPARE(QString::fromStdString(numeric::parseFormat("testfmt").name),
             QStringLiteral("testfmt"));
    QVERIFY_THROWS_EXCEPTION(Error, FormatRegistry::instance().add(extra));
}

void TestQuantizers::activationQuantize_data()
{
    QTest::addColumn<float>("mn");
    QTest::addColumn<float>("mx");
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("symmetric");
    QTest::addColumn<float>("x");
    QTest::addColumn<int>("q");
    QTest::addColumn<float>("dequantized");

    // [-128, 127] at 8 bits: s = 1, zp = 0, so q = nearbyint(x) exactly.
    QTest::newRow("tie 2.5 -> 2") << -128.f << 127.f << 8 << false << 2.5f << 2 << 2.f;
    QTest::newRow("tie 3.5 -> 4") << -128.f << 127.f << 8 << false << 3.5f << 4 << 4.f;
    QTest::newRow("tie -2.5 -> -2") << -128.f << 127.f << 8 << false << -2.5f << -2 << -2.f;
    QTest::newRow("tie 0.5 -> 0") << -128.f << 127.f << 8 << false << 0.5f << 0 << 0.f;
    QTest::newRow("tie -0.5 -> 0") << -128.f << 127.f << 8 << false << -0.5f << 0 << 0.f;
    QTest::newRow("not a tie") << -128.f << 127.f << 8 << false << 2.5000002f << 3 << 3.f;
    QTest::newRow("clamp high") << -128.f << 127.f << 8 << false << 127.5f << 127 << 127.f;
    QTest::newRow("clamp low") << -128.f << 127.f << 8 << false << -1000.f << -128 << -128.f;
    QTest::newRow("+inf") << -128.f << 127.f << 8 << false << kInf << 127 << 127.f;
    QTest::newRow("-inf") << -128.f << 127.f << 8 << false << -kInf << -128 << -128.f;
    QTest::newRow("NaN -> zero point") << -128.f << 127.f << 8 << false << kNaN << 0 << 0.f;
    // Ranges without 0 are widened to include it; 0 is exact.
    QTest::newRow("positive range: zp = qmin") << 2.f << 6.f << 8 << false << 0.f << -128 << 0.f;
    QTest::newRow("positive range max") << 2.f << 6.f << 8 << false << 6.f << 127 << 6.f;
    QTest::newRow("negative range: zp = qmax") << -5.f << -1.f << 8 << false << 0.f << 127 << 0.f;
    QTest::newRow("negative range min") << -5.f << -1.f << 8 << false << -5.f << -128 << -5.f;
    // Zero width: s = 1, zp = nearbyint(qmin - 0) = qmin.
    QTest::newRow("zero width") << 0.f << 0.f << 8 << false << 3.4f << -125 << 3.f;
    // 2 bits: q in [-2, 1]; [0, 3]: s = 1, zp = -2.
    QTest::newRow("int2") << 0.f << 3.f << 2 << false << 1.6f << 0 << 2.f;
    QTest::newRow("int2 clamp") << 0.f << 3.f << 2 << false << 7.f << 1 << 3.f;
    // 16 bits, s = 1: [-32768, 32767].
    QTest::newRow("int16 tie") << -32768.f << 32767.f << 16 << false << 100.5f << 100 << 100.f;
    // Symmetric: s = 6 / 127, zp = 0; -6 -> -127 (not -128).
    QTest::newRow("sym") << -6.f << 3.f << 8 << true << -6.f << -127 << -6.f;
    QTest::newRow("sym clamp") << -6.f << 3.f << 8 << true << -100.f << -128
                               << -128.f * (6.f / 127.f);
}

void TestQuantizers::activationQuantize()
{
    QFETCH(float, mn);
    QFETCH(float, mx);
    QFETCH(int, bits);
    QFETCH(bool, symmetric);
    QFETCH(float, x);
    QFETCH(int, q);
    QFETCH(float, dequantized);
    const AffineParams p = activationParams(mn, mx, bits, symmetric);
    QCOMPARE(p.qmin, -(1 << (bits - 1)));
    QCOMPARE(p.qmax, (1 << (bits - 1)) - 1);
    QCOMPARE(p.inverse, 1.0f / p.scale);
    QCOMPARE(quantize(x, p), q);
    QVERIFY2(sameFloat(dequantize(q, p), dequantized)
                 || std::abs(dequantize(q, p) - dequantized) <= 1e-6f * std::abs(dequantized),
             qPrintable(QString::number(double(dequantize(q, p)), 'g', 9)));
    // 0 is always exactly representable.
    QCOMPARE(fakeQuantize(0.0f, p), 0.0f);
}

void TestQuantizers::weightQuantize_data()
{
    QTest::addColumn<float>("maxAbs");
    QTest::addColumn<int>("bits");
    QTest::addColumn<float>("w");
    QTest::addColumn<int>("q");
    QTest::newRow("max -> 127") << 1.27f << 8 << 1.27f << 127;
    QTest::newRow("-max -> -127 (narrow)") << 1.27f << 8 << -1.27f << -127;
    QTest::newRow("beyond clamps to -127") << 1.27f << 8 << -5.0f << -127;
    QTest::newRow("tie to even") << 127.0f << 8 << 6.5f << 6;
    QTest::newRow("all-zero channel") << 0.0f << 8 << 0.0f << 0;
    QTest::newRow("int2 ternary +") << 1.0f << 2 << 0.6f << 1;
    QTest::newRow("int2 ternary 0") << 1.0f << 2 << 0.4f << 0;
    QTest::newRow("int2 ternary -") << 1.0f << 2 << -2.0f << -1;
    QTest::newRow("int16") << 32767.0f << 16 << -32767.0f << -32767;
}

void TestQuantizers::weightQuantize()
{
    QFETCH(float, maxAbs);
    QFETCH(int, bits);
    QFETCH(float, w);
    QFETCH(int, q);
    const AffineParams p = numeric::weightParams(maxAbs, bits);
    QCOMPARE(p.zeroPoint, 0);
    QCOMPARE(p.qmax, (1 << (bits - 1)) - 1);
    QCOMPARE(p.qmin, -p.qmax);
    QCOMPARE(p.scale, maxAbs > 0 ? maxAbs / float(p.qmax) : 1.0f);
    QCOMPARE(quantize(w, p), q);
}

void TestQuantizers::fixedPoint_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("fraction");
    QTest::addColumn<float>("x");
    QTest::addColumn<float>("expected");
    QTest::newRow("q4.4 exact") << 8 << 4 << 1.25f << 1.25f;
    QTest::newRow("q4.4 tie to even down") << 8 << 4 << 1.03125f << 1.0f; // 16.5 -> 16
    QTest::newRow("q4.4 tie to even up") << 8 << 4 << 1.09375f << 1.125f; // 17.5 -> 18
    QTest::newRow("q4.4 max") << 8 << 4 << 100.0f << 7.9375f;
    QTest::newRow("q4.4 min") << 8 << 4 << -100.0f << -8.0f;
    QTest::newRow("q1.15") << 16 << 15 << 0.5f << 0.5f;
    QTest::newRow("q1.15 saturates below 1") << 16 << 15 << 1.0f << 1.0f - 1.0f / 32768;
    QTest::newRow("q8.0 integer") << 8 << 0 << -3.5f << -4.0f;
}

void TestQuantizers::fixedPoint()
{
    QFETCH(int, bits);
    QFETCH(int, fraction);
    QFETCH(float, x);
    QFETCH(float, expected);
    const AffineParams p = fixedPointParams(bits, fraction);
    QCOMPARE(p.scale, std::ldexp(1.0f, -fraction));
    QCOMPARE(p.zeroPoint, 0);
    QCOMPARE(fakeQuantize(x, p), expected);
}

void TestQuantizers::stochasticRounding()
{
    const AffineParams p = numeric::weightParams(127.0f, 8);
    // t = 2.25: floor 2, up with probability 0.25.
    QCOMPARE(quantizeStochastic(2.25f, p, 0.0f), 3);
    QCOMPARE(quantizeStochastic(2.25f, p, 0.2499f), 3);
    QCOMPARE(quantizeStochastic(2.25f, p, 0.25f), 2);
    QCOMPARE(quantizeStochastic(2.25f, p, 0.99f), 2);
    QCOMPARE(quantizeStochastic(-2.25f, p, 0.7f), -2); // -2.25 = -3 + 0.75
    QCOMPARE(quantizeStochastic(-2.25f, p, 0.8f), -3);
    QCOMPARE(quantizeStochastic(500.0f, p, 0.0f), 127);
    QCOMPARE(quantizeStochastic(kNaN, p, 0.0f), 0);
    // Unbiased on average.
    Random rng(5);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i)
        sum += quantizeStochastic(2.3f, p, rng.uniformF());
    QVERIFY2(std::abs(sum / n - 2.3) < 0.01, qPrintable(QString::number(sum / n)));
}

void TestQuantizers::bias_data()
{
    QTest::addColumn<float>("b");
    QTest::addColumn<float>("scale");
    QTest::addColumn<qint64>("q");
    QTest::newRow("plain") << 0.3f << 0.1f << qint64(3);
    QTest::newRow("tie to even") << 2.5f << 1.0f << qint64(2);
    QTest::newRow("negative tie") << -3.5f << 1.0f << qint64(-4);
    QTest::newRow("clamp high") << 1e10f << 1e-3f << qint64(2147483647);
    QTest::newRow("clamp low") << -1e10f << 1e-3f << qint64(-2147483648LL);
    QTest::newRow("NaN") << kNaN << 1.0f << qint64(0);
    QTest::newRow("+inf") << kInf << 1.0f << qint64(2147483647);
}

void TestQuantizers::bias()
{
    QFETCH(float, b);
    QFETCH(float, scale);
    QFETCH(qint64, q);
    QCOMPARE(qint64(quantizeBias(b, scale)), q);
}

void TestQuantizers::accumulator_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<qint64>("acc");
    QTest::addColumn<qint64>("add");
    QTest::addColumn<qint64>("result");
    QTest::newRow("16 in range") << 16 << qint64(30000) << qint64(2767) << qint64(32767);
    QTest::newRow("16 overflow saturates") << 16 << qint64(30000) << qint64(2768) << qint64(32767);
    QTest::newRow("16 underflow saturates")
        << 16 << qint64(-30000) << qint64(-5000) << qint64(-32768);
    QTest::newRow("8") << 8 << qint64(100) << qint64(100) << qint64(127);
    QTest::newRow("32") << 32 << qint64(2147483000) << qint64(1000) << qint64(2147483647);
    QTest::newRow("back from the rail") << 16 << qint64(32767) << qint64(-10) << qint64(32757);
    QTest::newRow("64") << 64 << qint64(1) << qint64(1) << qint64(2);
}

void TestQuantizers::accumulator()
{
    QFETCH(int, bits);
    QFETCH(qint64, acc);
    QFETCH(qint64, add);
    QFETCH(qint64, result);
    QCOMPARE(qint64(Accumulator::ofBits(bits).add(acc, add)), result);
}

void TestQuantizers::minifloat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<float>("x");
    QTest::addColumn<float>("expected");
    const float e11 = std::ldexp(1.0f, -11);
    // fp16: 10 mantissa bits; ulp(1) = 2^-10.
    QTest::newRow("fp16 exact") << "fp16" << 1.5f << 1.5f;
    QTest::newRow("fp16 tie to even (down)") << "fp16" << 1.0f + e11 << 1.0f;
    QTest::newRow("fp16 tie to even (up)") << "fp16" << 1.0f + 3 * e11 << 1.0f + 4 * e11;
    QTest::newRow("fp16 above tie") << "fp16" << std::nextafter(1.0f + e11, 2.0f) << 1.0f + 2 * e11;
    QTest::newRow("fp16 max") << "fp16" << 65504.0f << 65504.0f;
    QTest::newRow("fp16 below overflow tie") << "fp16" << 65519.0f << 65504.0f;
    QTest::newRow("fp16 overflow saturates") << "fp16" << 65520.0f << 65504.0f;
    QTest::newRow("fp16 overflow to inf") << "fp16:inf" << 65520.0f << kInf;
    QTest::newRow("fp16 below tie stays finite :inf") << "fp16:inf" << 65519.0f << 65504.0f;
    QTest::newRow("fp16 -overflow") << "fp16" << -1e6f << -65504.0f;
    QTest::newRow("fp16 inf saturates") << "fp16" << kInf << 65504.0f;
    QTest::newRow("fp16 inf kept :inf") << "fp16:inf" << -kInf << -kInf;
    QTest::newRow("fp16 NaN") << "fp16" << kNaN << kNaN;
    QTest::newRow("fp16 -0") << "fp16" << -0.0f << -0.0f;
    QTest::newRow("fp16 min subnormal") << "fp16" << std::ldexp(1.0f, -24) << std::ldexp(1.0f, -24);
    QTest::newRow("fp16 half min subnormal: tie to 0") << "fp16" << std::ldexp(1.0f, -25) << 0.0f;
    QTest::newRow("fp16 3/4 min subnormal")
        << "fp16" << 3 * std::ldexp(1.0f, -26) << std::ldexp(1.0f, -24);
    QTest::newRow("fp16 1.5 subnormal tie -> 2")
        << "fp16" << 3 * std::ldexp(1.0f, -25) << std::ldexp(1.0f, -23);
    QTest::newRow("fp16 subnormal -tiny") << "fp16" << -1e-30f << -0.0f;
    QTest::newRow("fp16 smallest normal")
        << "fp16" << std::ldexp(1.0f, -14) << std::ldexp(1.0f, -14);
    QTest::newRow("fp16 subnormal rounds into normal")
        << "fp16" << std::ldexp(1.0f, -14) - std::ldexp(1.0f, -26) << std::ldexp(1.0f, -14);
    // OCP E4M3: max 448, no infinity; 464 is the tie between 448 and 480 (NaN code).
    QTest::newRow("e4m3 max") << "fp8e4m3" << 448.0f << 448.0f;
    QTest::newRow("e4m3 tie 464 -> 448") << "fp8e4m3" << 464.0f << 448.0f;
    QTest::newRow("e4m3 saturates") << "fp8e4m3" << 500.0f << 448.0f;
    QTest::newRow("e4m3 inf saturates") << "fp8e4m3" << kInf << 448.0f;
    QTest::newRow("e4m3 NaN kept") << "fp8e4m3" << kNaN << kNaN;
    QTest::newRow("e4m3 min subnormal")
        << "fp8e4m3" << std::ldexp(1.0f, -9) << std::ldexp(1.0f, -9);
    QTest::newRow("e4m3 tie to 0") << "fp8e4m3" << std::ldexp(1.0f, -10) << 0.0f;
    QTest::newRow("e4m3 1.0625 tie -> 1") << "fp8e4m3" << 1.0625f << 1.0f;
    QTest::newRow("e4m3 1.1875 tie -> 1.25") << "fp8e4m3" << 1.1875f << 1.25f;
    // IEEE-like e4m3: max 240.
    QTest::newRow("ieee e4m3 max") << "e4m3" << 1000.0f << 240.0f;
    QTest::newRow("ieee e4m3 :inf") << "e4m3:inf" << 248.0f << kInf;
    QTest::newRow("ieee e4m3 below tie") << "e4m3:inf" << 247.0f << 240.0f;
    // E5M2: max 57344; 61440 is the tie to 65536.
    QTest::newRow("e5m2 max") << "fp8e5m2" << 60000.0f << 57344.0f;
    QTest::newRow("e5m2 tie to inf") << "fp8e5m2:inf" << 61440.0f << kInf;
    QTest::newRow("e5m2 min subnormal")
        << "fp8e5m2" << std::ldexp(1.0f, -16) << std::ldexp(1.0f, -16);
    QTest::newRow("e5m2 1.125 -> 1 (tie)") << "fp8e5m2" << 1.125f << 1.0f;
    QTest::newRow("e5m2 1.375 -> 1.5 (tie)") << "fp8e5m2" << 1.375f << 1.5f;
    // bf16: float32's exponent range, 7 mantissa bits.
    QTest::newRow("bf16 tie down") << "bf16" << 1.0f + std::ldexp(1.0f, -8) << 1.0f;
    QTest::newRow("bf16 tie up") << "bf16" << 1.0f + 3 * std::ldexp(1.0f, -8)
                                 << 1.0f + std::ldexp(1.0f, -6);
    QTest::newRow("bf16 FLT_MAX saturates")
        << "bf16" << FLT_MAX << float(std::ldexp(2.0 - std::ldexp(1.0, -7), 127));
    QTest::newRow("bf16 FLT_MAX :inf") << "bf16:inf" << FLT_MAX << kInf;
    QTest::newRow("bf16 float subnormal")
        << "bf16" << std::ldexp(1.0f, -133) << std::ldexp(1.0f, -133);
    QTest::newRow("bf16 below subnormal") << "bf16" << std::ldexp(1.0f, -140) << 0.0f;
    // Odd shapes: e2m0 holds 0, 1, 2 (bias 1; all-ones exponent reserved).
    QTest::newRow("e2m0 1.4 -> 1") << "e2m0" << 1.4f << 1.0f;
    QTest::newRow("e2m0 1.5 -> 2 (even)") << "e2m0" << 1.5f << 2.0f;
    QTest::newRow("e2m0 overflow") << "e2m0" << 5.0f << 2.0f;
    QTest::newRow("e8m23 = fp32") << "e8m23" << 1.2345678f << 1.2345678f;
    // M = 23 with fewer exponent bits: nothing to round, but the range still ends.
    QTest::newRow("e5m23 in range") << "e5m23" << 1.2345678f << 1.2345678f;
    QTest::newRow("e5m23 overflow saturates")
        << "e5m23" << 1e10f << float(std::ldexp(2.0 - std::ldexp(1.0, -23), 15));
    QTest::newRow("e5m23 overflow :inf") << "e5m23:inf" << 1e10f << kInf;
}

void TestQuantizers::minifloat()
{
    QFETCH(QString, format);
    QFETCH(float, x);
    QFETCH(float, expected);
    const Minifloat m = Minifloat::fromSpec(numeric::parseFormat(format.toStdString()));
    const float got = m.round(x);
    QVERIFY2(sameFloat(got, expected), qPrintable(QStringLiteral("%1 -> %2, expected %3")
                                                      .arg(double(x), 0, 'g', 10)
                                                      .arg(double(got), 0, 'g', 10)
                                                      .arg(double(expected), 0, 'g', 10)));
    // Rounding is idempotent.
    QVERIFY(sameFloat(m.round(got), got));
}

void TestQuantizers::fp16AgainstCompiler()
{
    // The compiler's float -> _Float16 conversion is IEEE binary16 RNE with overflow to
    // infinity, i.e. our fp16:inf. Random floats over the whole fp16 range and beyond,
    // plus every fp16 value and every midpoint between neighbours.
    const Minifloat m(5, 10, false, false);
    Random rng(11);
    for (int i = 0; i < 2000000; ++i) {
        const float x = float(std::ldexp(rng.uniform(-1.0, 1.0), int(rng.below(50)) - 30));
        const float want = float(Half(x));
        if (!sameFloat(m.round(x), want))
            QFAIL(qPrintable(QStringLiteral("x = %1").arg(double(x), 0, 'g', 12)));
    }
    for (uint32_t h = 0; h < 0x7C00; ++h) {
        uint16_t bits = uint16_t(h);
        Half a;
        std::memcpy(&a, &bits, 2);
        const float v = float(a);
        QVERIFY(sameFloat(m.round(v), v));
        bits = uint16_t(h + 1);
        Half b;
        std::memcpy(&b, &bits, 2);
        const float mid = float((double(v) + double(float(b))) / 2);
        if (!sameFloat(m.round(mid), float(Half(mid))))
            QFAIL(qPrintable(QStringLiteral("midpoint %1").arg(double(mid), 0, 'g', 12)));
    }
}

void TestQuantizers::bf16AgainstBitTrick()
{
    const Minifloat m(8, 7, false, false);
    Random rng(12);
    for (int i = 0; i < 2000000; ++i) {
        const float x = std::bit_cast<float>(uint32_t(rng.next()));
        if (std::isnan(x))
            continue;
        if (!sameFloat(m.round(x), bf16BitTrick(x)))
            QFAIL(qPrintable(QStringLiteral("x = %1").arg(double(x), 0, 'g', 12)));
    }
}

void TestQuantizers::floatPathMatchesDoublePath_data()
{
    QTest::addColumn<QString>("format");
    for (const char *f :
         {"fp16", "fp16:inf", "bf16", "fp8e4m3", "fp8e5m2", "fp8e5m2:inf", "e4m3", "e2m0", "e2m1",
          "e3m2:inf", "e6m9", "e7m16", "e8m22", "e8m23", "e5m0", "e5m23", "e5m23:inf", "e8m0"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

// round(float) works on the bits, roundDouble() scales and calls nearbyint: two
// independent algorithms that must agree on every float32 (random bit patterns cover
// subnormals, both overflow modes, infinities and NaN).
void TestQuantizers::floatPathMatchesDoublePath()
{
    QFETCH(QString, format);
    const Minifloat m = Minifloat::fromSpec(numeric::parseFormat(format.toStdString()));
    Random rng(13);
    for (int i = 0; i < 1000000; ++i) {
        // Half the draws: any bit pattern; half: magnitudes around the format's range.
        const float x = i % 2
                            ? std::bit_cast<float>(uint32_t(rng.next()))
                            : float(std::ldexp(rng.uniform(-1.0, 1.0), int(rng.below(300)) - 150));
        if (!sameFloat(m.round(x), m.roundDouble(double(x))))
            QFAIL(qPrintable(QStringLiteral("x = %1").arg(double(x), 0, 'g', 12)));
    }
}

void TestQuantizers::blockRoundMatchesRound_data()
{
    floatPathMatchesDoublePath_data();
}

// The kernels round whole tensors with Minifloat::round(in, out, count) (SSE2 lanes, its
// own route to the bits); it must give round(x) for every x: random bit patterns, values
// around the format's range, and every boundary: each format value, its neighbours one
// float32 ulp away and the midpoints between format values (ties), zeros, infinities,
// quiet and signalling NaN. Odd counts and offsets exercise the scalar tail.
void TestQuantizers::blockRoundMatchesRound()
{
    QFETCH(QString, format);
    const Minifloat m = Minifloat::fromSpec(numeric::parseFormat(format.toStdString()));
    std::vector<float> x;
    Random rng(14);
    for (int i = 0; i < 400000; ++i) {
        x.push_back(i % 2 ? std::bit_cast<float>(uint32_t(rng.next()))
                          : float(std::ldexp(rng.uniform(-1.0, 1.0), int(rng.below(300)) - 150)));
    }
    // Walk the format's non-negative values upwards from 0 (the first 2^16 of them: all of
    // an 8-bit or 16-bit format's) with their float32 neighbours and the midpoints between
    // them.
    const double tiny = double(m.minSubnormal());
    double v = 0.0;
    for (int i = 0; i < 65536 && v <= double(m.maxFinite()); ++i) {
        const double spacing = v < tiny * std::ldexp(1.0, m.mantissaBits())
                                   ? tiny
                                   : std::ldexp(1.0, std::ilogb(v) - m.mantissaBits());
        const double w = v + spacing;
        const float fv = float(v), mid = float((v + w) / 2);
        for (const float t : {fv, std::nextafter(fv, 0.0f), std::nextafter(fv, kInf), mid,
                              std::nextafter(mid, 0.0f), std::nextafter(mid, kInf)}) {
            x.push_back(t);
            x.push_back(-t);
        }
        v = w;
    }
    for (const uint32_t bits :
         {0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00001u, 0x7F800001u,
          0xFFA00000u, 0x00000001u, 0x007FFFFFu, 0x00800000u, 0x7F7FFFFFu})
        x.push_back(std::bit_cast<float>(bits));
    for (const size_t offset : {size_t(0), size_t(1), size_t(3)}) {
        const size_t count = x.size() - offset - (offset == 1 ? 2 : 0);
        std::vector<float> out(count);
        m.round(x.data() + offset, out.data(), count);
        for (size_t i = 0; i < count; ++i) {
            const float want = m.round(x[offset + i]);
            if (std::bit_cast<uint32_t>(out[i]) != std::bit_cast<uint32_t>(want)) {
                QFAIL(qPrintable(
                    QStringLiteral("x = %1 (bits %2): %3, round() gives %4")
                        .arg(double(x[offset + i]), 0, 'g', 12)
                        .arg(std::bit_cast<uint32_t>(x[offset + i]), 8, 16, QLatin1Char('0'))
                        .arg(double(out[i]), 0, 'g', 12)
                        .arg(double(want), 0, 'g', 12)));
            }
        }
    }
    // In place.
    std::vector<float> y = x;
    m.round(y.data(), y.data(), y.size());
    for (size_t i = 0; i < y.size(); ++i)
        QCOMPARE(std::bit_cast<uint32_t>(y[i]), std::bit_cast<uint32_t>(m.round(x[i])));
}

void TestQuantizers::calibrationMethods()
{
    std::vector<float> v;
    for (int i = 0; i <= 10000; ++i)
        v.push_back(float(i));
    v.push_back(1e6f); // one outlier
    std::vector<float> copy = v;
    const Range mm = chooseRange(copy, "minmax", 8, false);
    QCOMPARE(mm.min, 0.0f);
    QCOMPARE(mm.max, 1e6f);
    copy = v;
    const Range pc = chooseRange(copy, "percentile", 8, false);
    QVERIFY(pc.max <= 1e4f && pc.max > 9990.0f);
    copy = v;
    const Range mse = chooseRange(copy, "mse", 8, false);
    QVERIFY2(mse.max < 1e6f, qPrintable(QString::number(double(mse.max))));
    copy = {1.0f, kNaN};
    QVERIFY_THROWS_EXCEPTION(Error, chooseRange(copy, "minmax", 8, false));
    copy = {1.0f};
    QVERIFY_THROWS_EXCEPTION(Error, chooseRange(copy, "median", 8, false));
    std::vector<float> empty;
    QCOMPARE(chooseRange(empty, "minmax", 8, false).max, 0.0f);
}

QTEST_GUILESS_MAIN(TestQuantizers)
#include "tst_quantizers.moc"
