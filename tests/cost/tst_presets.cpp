// Every shipped preset passes the schema; broken presets fail with one line naming the
// file and the key; the search path; the interpolation rules of the energy table.

#include "costfixtures.h"
#include "testutil.h"

#include "cost/energytable.h"
#include "cost/presetlibrary.h"

#include "common/error.h"
#include "common/fileutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <fstream>

using namespace frontier;
using namespace frontier::cost;

namespace {

QJsonObject readJson(const std::string &path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    return QJsonDocument::fromJson(
               QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())))
        .object();
}

// Sets (or with an undefined value removes) the value at a dotted path; "[i]" indexes.
QJsonValue edit(const QJsonValue &node, QStringList path, const QJsonValue &value)
{
    const QString head = path.takeFirst();
    if (head.startsWith(QLatin1Char('['))) {
        QJsonArray a = node.toArray();
        const int i = head.mid(1, head.size() - 2).toInt();
        a[i] = path.isEmpty() ? value : edit(a.at(i), path, value);
        return a;
    }
    QJsonObject o = node.toObject();
    if (path.isEmpty()) {
        if (value.isUndefined())
            o.remove(head);
        else
            o[head] = value;
    } else {
        o[head] = edit(o.value(head), path, value);
    }
    return o;
}

QStringList splitPath(const QString &dotted)
{
    QStringList parts;
    for (QString p : dotted.split(QLatin1Char('.'))) {
        const int bracket = p.indexOf(QLatin1Char('['));
        if (bracket > 0) {
            parts << p.left(bracket) << p.mid(bracket);
        } else {
            parts << p;
        }
    }
    return parts;
}

} // namespace

class TestPresets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shippedPresetsValidate_data();
    void shippedPresetsValidate();
    void shippedCitedValues();
    void invalidPreset_data();
    void invalidPreset();
    void searchPath();
    void interpolation_data();
    void interpolation();
};

void TestPresets::shippedPresetsValidate_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(QString::fromStdString(test::presetDir()))
                                  .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 11);
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << QDir(QString::fromStdString(test::presetDir())).filePath(f);
}

void TestPresets::shippedPresetsValidate()
{
    QFETCH(QString, path);
    const Preset p = loadPresetFile(path.toStdString());
    QVERIFY(!p.description.empty());
    QVERIFY(!p.values.empty());
    for (const auto &[key, q] : p.values) {
        QVERIFY2(p.sources.count(q.source), key.c_str());
        QVERIFY2(q.value >= 0, key.c_str());
    }
    // Every source is used, and every estimate's source says it is one.
    for (const auto &[id, text] : p.sources) {
        bool used = false;
        for (const auto &[key, q] : p.values)
            used = used || q.source == id;
        QVERIFY2(used, id.c_str());
    }
    for (const auto &[key, q] : p.values) {
        if (q.kind == Quantity::Kind::Estimate && q.source.rfind("est-", 0) == 0)
            QVERIFY2(p.sources.at(q.source).find("Estimate") != std::string::npos, key.c_str());
    }
    if (p.type == "device") {
        // Every device can cost fp32 and int8 variants of the MLP.
        QVERIFY(p.device->mac.size() >= 1);
    }
}

void TestPresets::shippedCitedValues()
{
    // The cited numbers are REFERENCE.md's, to the digit.
    const Preset a = loadPresetFile(test::shippedPreset("asic45"));
    const ArithmeticSpec &t = *a.device->arithmetic;
    QCOMPARE(t.intAdd_pj.size(), size_t(3));
    QCOMPARE(t.intAdd_pj[0].energy_pj.value, 0.03);
    QCOMPARE(t.intAdd_pj[2].energy_pj.value, 0.1);
    QCOMPARE(t.intMul_pj[0].energy_pj.value, 0.2);
    QCOMPARE(t.intMul_pj[1].energy_pj.value, 3.1);
    QCOMPARE(t.floatAdd_pj[0].energy_pj.value, 0.4);
    QCOMPARE(t.floatMul_pj[1].energy_pj.value, 3.7);
    QCOMPARE(t.intMul_pj[1].energy_pj.kind, Quantity::Kind::Cited);
    QCOMPARE(t.scXnor_pj.kind, Quantity::Kind::Estimate);
    QCOMPARE(t.scCounter_pj.kind, Quantity::Kind::Estimate);
    QCOMPARE(t.scGenerate_pj[0].energy_pj.kind, Quantity::Kind::Estimate);

    const Preset msp = loadPresetFile(test::shippedPreset("msp430fr5994"));
    const MacTiming &lea = msp.device->mac.at("int16");
    QCOMPARE(lea.energy_pj->value, 527.3);
    QCOMPARE(lea.dotEnergy_pj->value, 204400.0);
    QCOMPARE(lea.cycles.value, 1.5);
    QCOMPARE(lea.dotCycles->value, 616.0);
    QCOMPARE(msp.device->ops.at("mul").energy_pj->value, 19250.0);
    QCOMPARE(msp.intermittent.at("reboot_uj").value, 77.88);
    QCOMPARE(msp.intermittent.at("capacitor_mf").value, 5.0);
    QCOMPARE(msp.device->memories[1].readTransfer_pj->value, 200000.0);
    FRONTIER_COMPARE_REL(msp.device->memories[1].read_pjPerBit->value * 16, 2.7e-8 * 1e12, 1e-12);
}

void TestPresets::invalidPreset_data()
{
    QTest::addColumn<QString>("path");     // dotted key path to edit
    QTest::addColumn<QJsonValue>("value"); // undefined: remove the key
    QTest::addColumn<QString>("expected");

    const QJsonValue remove(QJsonValue::Undefined);
    QTest::newRow("missing key") << "device.clock_mhz" << remove
                                 << "key 'device.clock_mhz': missing (expected an object)";
    QTest::newRow("missing value")
        << "device.idle_mw.value" << remove << "key 'device.idle_mw.value': missing";
    QTest::newRow("wrong kind") << "device.clock_mhz.kind" << QJsonValue(QStringLiteral("guess"))
                                << "key 'device.clock_mhz.kind': 'guess' is not measured, cited or "
                                   "estimate";
    QTest::newRow("negative energy")
        << "device.arithmetic.int_add_pj[0].value" << QJsonValue(-0.03)
        << "key 'device.arithmetic.int_add_pj[0].value': negative value -0.03";
    QTest::newRow("value of wrong type")
        << "device.clock_mhz.value" << QJsonValue(QStringLiteral("fast"))
        << "key 'device.clock_mhz.value': expected a number, got a string";
    QTest::newRow("object of wrong type")
        << "device.memories" << QJsonValue(3)
        << "key 'device.memories': expected an array, got a number";
    QTest::newRow("unknown key") << "device.clokc_mhz" << QJsonValue(1)
                                 << "key 'device.clokc_mhz': unknown key";
    QTest::newRow("unknown source")
        << "device.leakage_mw.source" << QJsonValue(QStringLiteral("nowhere"))
        << "key 'device.leakage_mw.source': unknown source 'nowhere'";
    QTest::newRow("zero clock") << "device.clock_mhz.value" << QJsonValue(0)
                                << "key 'device.clock_mhz.value': must be > 0";
    QTest::newRow("bad type") << "type" << QJsonValue(QStringLiteral("toaster"))
                              << "key 'type': 'toaster' is not device, link or server";
    QTest::newRow("name differs") << "name" << QJsonValue(QStringLiteral("asic46"))
                                  << "key 'name': 'asic46' differs from the file name 'asic45'";
    QTest::newRow("newer schema") << "schema" << QJsonValue(2)
                                  << "key 'schema': version 2 is newer than this Frontier reads";
    QTest::newRow("bad mac class") << "device.mac.int8x" << QJsonValue(QJsonObject())
                                   << "key 'device.mac.int8x': unknown format class";
    QTest::newRow("bad memory kind")
        << "device.memories[0].kind" << QJsonValue(QStringLiteral("tape"))
        << "key 'device.memories[0].kind': 'tape' is not register";
    QTest::newRow("duplicate anchors") << "device.arithmetic.int_add_pj[1].bits" << QJsonValue(8)
                                       << "key 'device.arithmetic.int_add_pj': two anchors of the "
                                          "same width";
    QTest::newRow("missing op") << "device.ops.compare" << remove
                                << "key 'device.ops.compare': missing";
}

void TestPresets::invalidPreset()
{
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);

    const QJsonObject good = readJson(test::shippedPreset("asic45"));
    const QJsonObject bad = edit(good, splitPath(path), value).toObject();
    QTemporaryDir dir;
    const std::string file = dir.filePath(QStringLiteral("asic45.json")).toStdString();
    {
        std::ofstream out(file);
        out << QJsonDocument(bad).toJson().toStdString();
    }
    try {
        loadPresetFile(file);
        QFAIL("no error");
    } catch (const Error &e) {
        const std::string what = e.what();
        QVERIFY2(what.find('\n') == std::string::npos, what.c_str());
        QVERIFY2(what.find(file + ": " + expected.toStdString()) == 0, what.c_str());
    }
}

void TestPresets::searchPath()
{
    // FRONTIER_PRESET_DIR comes first and shadows shipped presets of the same name.
    QTemporaryDir dir;
    QJsonObject mine = readJson(test::shippedPreset("wifi"));
    mine[QStringLiteral("description")] = QStringLiteral("my office Wi-Fi");
    {
        std::ofstream out(dir.filePath(QStringLiteral("wifi.json")).toStdString());
        out << QJsonDocument(mine).toJson().toStdString();
        std::ofstream broken(dir.filePath(QStringLiteral("broken.json")).toStdString());
        broken << "{ not json";
    }
    qputenv("FRONTIER_PRESET_DIR", dir.path().toLocal8Bit());
    QCOMPARE(presetSearchPath().front(), dir.path().toStdString());
    QCOMPARE(loadPreset("wifi").description, std::string("my office Wi-Fi"));

    bool sawBroken = false, sawAsic = false;
    for (const PresetEntry &e : listPresets()) {
        if (e.name == "broken") {
            sawBroken = true;
            QVERIFY(e.error.find("bad JSON") != std::string::npos);
        }
        sawAsic = sawAsic || (e.name == "asic45" && e.type == "device");
    }
    qunsetenv("FRONTIER_PRESET_DIR");
    QVERIFY(sawBroken);
    // The shipped folder is on the path through the compiled-in source tree, or the test
    // puts it there.
    qputenv("FRONTIER_PRESET_DIR", QByteArray::fromStdString(test::presetDir()));
    QCOMPARE(loadPreset("wifi").description.find("my office"), std::string::npos);
    QVERIFY_THROWS_EXCEPTION(Error, loadPreset("no-such-preset"));
    try {
        loadPreset("no-such-preset");
    } catch (const Error &e) {
        QVERIFY(std::string(e.what()).find("preset no-such-preset: no such preset (known:") == 0);
    }
    qunsetenv("FRONTIER_PRESET_DIR");
    Q_UNUSED(sawAsic);
}

void TestPresets::interpolation_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<int>("a");
    QTest::addColumn<int>("b");
    QTest::addColumn<double>("pj");
    // Anchors are exact.
    QTest::newRow("add8") << "intAdd" << 8 << 0 << 0.03;
    QTest::newRow("add32") << "intAdd" << 32 << 0 << 0.1;
    QTest::newRow("mul8") << "intMul" << 8 << 8 << 0.2;
    QTest::newRow("mul32") << "intMul" << 32 << 32 << 3.1;
    QTest::newRow("fadd16") << "floatAdd" << 5 << 10 << 0.4;
    QTest::newRow("fmul32") << "floatMul" << 8 << 23 << 3.7;
    // Below the smallest anchor: proportional to the feature.
    QTest::newRow("add4") << "intAdd" << 4 << 0 << 0.03 * 4 / 8;
    QTest::newRow("mul4x4") << "intMul" << 4 << 4 << 0.2 * 16 / 64;
    QTest::newRow("mul2x8") << "intMul" << 2 << 8 << 0.2 * 16 / 64;
    // Between anchors: linear in the feature (bits for adds, bits² for multiplies).
    QTest::newRow("add24") << "intAdd" << 24 << 0 << 0.05 + (0.1 - 0.05) * (24 - 16) / 16.0;
    QTest::newRow("mul16") << "intMul" << 16 << 16 << 0.2 + (3.1 - 0.2) * (256 - 64) / 960.0;
    // Above the largest: proportional.
    QTest::newRow("add64") << "intAdd" << 64 << 0 << 0.1 * 2;
    // Minifloats: add feature (M + 1) + E, multiply (M + 1)² + E.
    QTest::newRow("bf16 add") << "floatAdd" << 8 << 7 << 0.4; // 8 + 8 = 16
    QTest::newRow("fp8e4m3 add") << "floatAdd" << 4 << 3 << 0.4 * 8 / 16;
    QTest::newRow("fp8e4m3 mul") << "floatMul" << 4 << 3 << 1.1 * 20 / 126;
    QTest::newRow("bf16 mul") << "floatMul" << 8 << 7 << 1.1 * 72 / 126;
    QTest::newRow("fp64 mul") << "floatMul" << 11 << 52 << 3.7 * (53 * 53 + 11) / 584.0;
    QTest::newRow("e6m15 mul") << "floatMul" << 6 << 15
                               << 1.1 + (3.7 - 1.1) * (262 - 126) / (584.0 - 126);
    QTest::newRow("sc gen k=12") << "scGenerate" << 12 << 0 << 0.045 * 12 / 8;
}

void TestPresets::interpolation()
{
    QFETCH(QString, op);
    QFETCH(int, a);
    QFETCH(int, b);
    QFETCH(double, pj);
    const EnergyTable t(*loadPresetFile(test::shippedPreset("asic45")).device->arithmetic);
    double got = -1;
    if (op == QLatin1String("intAdd"))
        got = t.intAdd_pj(a);
    else if (op == QLatin1String("intMul"))
        got = t.intMul_pj(a, b);
    else if (op == QLatin1String("floatAdd"))
        got = t.floatAdd_pj(a, b);
    else if (op == QLatin1String("floatMul"))
        got = t.floatMul_pj(a, b);
    else
        got = t.scGenerate_pj(a);
    FRONTIER_COMPARE_REL(got, pj, 1e-12);
}

QTEST_GUILESS_MAIN(TestPresets)
#include "tst_presets.moc"
