// Variants stored in the model file: JSON round trip, reproducible evaluation without the
// calibration data, replacement by name, and one-line errors for damaged entries.

#include "testutil.h"

#include "../model/modelfactory.h"

#include "numeric/variantengine.h"
#include "numeric/variantio.h"

#include "common/error.h"
#include "model/modelfile.h"

#include <QtTest>

#include <cstring>

using namespace frontier;
using namespace frontier::numeric;

namespace {

model::Model smallCnn()
{
    model::Model m;
    m.name = "tiny-cnn";
    m.inputShape = {1, 8, 8};
    m.add(test::makeLayer("conv2d", test::conv(3, 3, 1, {1})), {}, "conv1");
    m.add(test::makeLayer("batchnorm"), {}, "bn1");
    m.add(test::makeLayer("relu"), {}, "relu1");
    m.add(test::makeLayer("maxpool", test::pool(2, 2)), {}, "pool1");
    m.add(test::makeLayer("flatten"), {}, "flatten");
    m.add(test::makeLayer("dense", test::units(4)), {}, "fc");
    m.add(test::makeLayer("softmax"), {}, "softmax");
    m.addHead("final");
    m.initialize(2);
    test::randomizeBatchNorms(m, 3);
    return m;
}

} // namespace

class TestVariantFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void storedVariantsReproduce();
    void badEntries_data();
    void badEntries();
};

void TestVariantFile::jsonRoundTrip_data()
{
    QTest::addColumn<QString>("assignment");
    QTest::newRow("int8") << "int8";
    QTest::newRow("mixed") << "w4a8;first=int8;last=fp16";
    QTest::newRow("sc") << "sc8:ld";
    QTest::newRow("minifloat") << "fp8e4m3";
}

void TestVariantFile::jsonRoundTrip()
{
    QFETCH(QString, assignment);
    const model::Model m = smallCnn();
    const std::vector<float> x = test::randomInput(30, m.inputShape, 4, -0.3, 1.7);
    const Variant v = makeVariant(m, assignment.toStdString(), x.data(), 30, "random 30");
    const Variant back = variantFromJson(variantToJson(v), "test");
    QCOMPARE(back.name, v.name);
    QCOMPARE(back.assignment, v.assignment);
    QVERIFY(back.layers == v.layers);
    QVERIFY(back.formats == v.formats);
    QCOMPARE(back.calibration.size(), v.calibration.size());
    for (size_t i = 0; i < v.calibration.size(); ++i) {
        QCOMPARE(back.calibration[i].layer, v.calibration[i].layer);
        QCOMPARE(back.calibration[i].input.min, v.calibration[i].input.min);
        QCOMPARE(back.calibration[i].input.max, v.calibration[i].input.max);
        QCOMPARE(back.calibration[i].hasOutput, v.calibration[i].hasOutput);
        QCOMPARE(back.calibration[i].output.max, v.calibration[i].output.max);
    }
    // Formats that need no calibration (minifloats) record none.
    const bool calibrated = !v.calibration.empty();
    QCOMPARE(back.calibrationSource, std::string(calibrated ? "random 30" : ""));
    QCOMPARE(back.calibrationSamples, calibrated ? 30 : 0);
    QCOMPARE(back.footprint.parameterBits, v.footprint.parameterBits);
    QCOMPARE(back.footprint.peakActivationBits, v.footprint.peakActivationBits);
    QCOMPARE(back.footprint.layers.size(), v.footprint.layers.size());
    QCOMPARE(variantToJson(back), variantToJson(v));
}

void TestVariantFile::storedVariantsReproduce()
{
    const model::Model m = smallCnn();
    const std::vector<float> cal = test::randomInput(50, m.inputShape, 5, -0.3, 1.7);
    const std::vector<float> x = test::randomInput(40, m.inputShape, 6, -0.3, 1.7);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("m.fmodel")).toStdString();
    model::saveModel(m, path);
    QCOMPARE(loadVariants(path).size(), size_t(0));

    const Variant a = makeVariant(m, "int4", cal.data(), 50, "cal");
    const Variant b = makeVariant(m, "sc7", cal.data(), 50, "cal");
    storeVariant(path, a);
    storeVariant(path, b);
    std::vector<Variant> stored = loadVariants(path);
    QCOMPARE(stored.size(), size_t(2));
    QCOMPARE(stored[0].name, std::string("tiny-cnn@int4"));
    QCOMPARE(stored[1].name, std::string("tiny-cnn@sc7"));

    // Evaluating the stored variant needs no calibration data and gives the same bits.
    const model::Model loaded = model::loadModel(path);
    for (size_t i = 0; i < stored.size(); ++i) {
        const model::Outputs now = VariantEngine(m, i == 0 ? a : b).run(x.data(), 40);
        const model::Outputs later = VariantEngine(loaded, stored[i]).run(x.data(), 40);
        QVERIFY(std::memcmp(now.heads[0].data(), later.heads[0].data(),
                            now.heads[0].size() * sizeof(float))
                == 0);
    }

    // Same name replaces; the other stays.
    const Variant a2 = makeVariant(m, "int4", cal.data(), 10, "fewer");
    storeVariant(path, a2);
    stored = loadVariants(path);
    QCOMPARE(stored.size(), size_t(2));
    QCOMPARE(stored[0].name, std::string("tiny-cnn@sc7"));
    QCOMPARE(stored[1].calibrationSource, std::string("fewer"));
    // The model itself is untouched by variants.
    QCOMPARE(model::loadModel(path).parameterCount(), m.parameterCount());

    // A variant that is not a JSON object cannot be written.
    QVERIFY_THROWS_EXCEPTION(Error, model::saveModel(m, path, {"[1, 2]"}));
    QCOMPARE(loadVariants(path).size(), size_t(2)); // file unchanged
}

void TestVariantFile::badEntries_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("reason");
    const QString good = QString::fromStdString(variantToJson(
        makeVariant(smallCnn(), "int8", test::randomInput(5, {1, 8, 8}, 1).data(), 5, "x")));
    QTest::newRow("not json") << "{"
                              << "not a JSON object";
    QTest::newRow("array") << "[]"
                           << "not a JSON object";
    QTest::newRow("no name") << QString(good).replace("\"name\":\"tiny-cnn@int8\"", "\"nom\":\"x\"")
                             << "has no \"name\"";
    QTest::newRow("bad format") << QString(good).replace("\"format\":\"int8\"",
                                                         "\"format\":\"int99\"")
                                << "int99";
    QTest::newRow("reversed range")
        << QString(good).replace("\"input_range\":[", "\"input_range\":[1e30,") << "input_range";
    QTest::newRow("no footprint") << QString(good).replace("\"footprint\"", "\"fp\"")
                                  << "has no \"footprint\"";
}

void TestVariantFile::badEntries()
{
    QFETCH(QString, json);
    QFETCH(QString, reason);
    try {
        variantFromJson(json.toStdString(), "m.fmodel");
        QFAIL("no error");
    } catch (const Error &e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(QStringLiteral("m.fmodel: ")), e.what());
        QVERIFY2(message.contains(reason), e.what());
        QVERIFY(!message.contains(QLatin1Char('\n')));
    }
}

QTEST_GUILESS_MAIN(TestVariantFile)
#include "tst_variantfile.moc"
