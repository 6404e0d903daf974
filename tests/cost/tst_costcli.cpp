// `frontier cost` and `frontier presets` as a user runs them: the JSON contract, one-line
// errors with non-zero exit codes.

#include "costfixtures.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run frontierCli(const QStringList &args)
{
    QProcess p;
    p.setProgram(QStringLiteral(FRONTIER_BINARY_DIR "/bin/frontier"));
    p.setArguments(args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FRONTIER_PRESET_DIR"),
               QString::fromStdString(frontier::test::presetDir()));
    p.setProcessEnvironment(env);
    p.start();
    p.waitForFinished(120000);
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace

class TestCostCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void costJson();
    void costTable();
    void errors_data();
    void errors();
    void presets();
};

void TestCostCli::costJson()
{
    const Run r = frontierCli({QStringLiteral("cost"), QStringLiteral("--recipe"),
                               QStringLiteral("mlp"), QStringLiteral("--format"),
                               QStringLiteral("int8"), QStringLiteral("--preset"),
                               QStringLiteral("asic45"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    const QJsonArray layers = o.value(QStringLiteral("layers")).toArray();
    QVERIFY(layers.size() >= 4);
    const QStringList keys = {QStringLiteral("name"),
                              QStringLiteral("macs"),
                              QStringLiteral("weight_bits"),
                              QStringLiteral("energy_compute_pj"),
                              QStringLiteral("energy_memory_pj"),
                              QStringLiteral("energy_pj"),
                              QStringLiteral("latency_us")};
    double energy = 0, macs = 0;
    for (const QJsonValue &l : layers) {
        for (const QString &k : keys)
            QVERIFY2(l.toObject().contains(k), qPrintable(k));
        energy += l.toObject().value(QStringLiteral("energy_pj")).toDouble();
        macs += l.toObject().value(QStringLiteral("macs")).toDouble();
    }
    const QJsonObject total = o.value(QStringLiteral("total")).toObject();
    for (const QString &k : keys)
        QVERIFY2(total.contains(k), qPrintable(k));
    QVERIFY(total.value(QStringLiteral("memory_bytes")).toDouble() > 0);
    FRONTIER_COMPARE_REL(total.value(QStringLiteral("energy_pj")).toDouble(), energy, 1e-9);
    QCOMPARE(total.value(QStringLiteral("macs")).toDouble(), macs);
    QCOMPARE(o.value(QStringLiteral("variant")).toString(), QStringLiteral("int8"));
    QCOMPARE(o.value(QStringLiteral("fits")).toBool(), true);
}

void TestCostCli::costTable()
{
    const Run r
        = frontierCli({QStringLiteral("cost"), QStringLiteral("--recipe"), QStringLiteral("lenet"),
                       QStringLiteral("--format"), QStringLiteral("fp16"),
                       QStringLiteral("--preset"), QStringLiteral("cortex-m4f")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("energy pJ"));
    QVERIFY(r.out.contains("resident"));
}

void TestCostCli::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("link as device")
        << QStringList{QStringLiteral("cost"), QStringLiteral("--recipe"), QStringLiteral("mlp"),
                       QStringLiteral("--preset"), QStringLiteral("wifi")}
        << 1 << "wifi.json: preset 'wifi' is a link preset, not a device";
    QTest::newRow("unknown preset")
        << QStringList{QStringLiteral("cost"), QStringLiteral("--recipe"), QStringLiteral("mlp"),
                       QStringLiteral("--preset"), QStringLiteral("asic7")}
        << 1 << "preset asic7: no such preset";
    QTest::newRow("no model") << QStringList{QStringLiteral("cost"), QStringLiteral("--format"),
                                             QStringLiteral("int8")}
                              << 2 << "give exactly one of --model and --recipe";
    QTest::newRow("bad subcommand") << QStringList{QStringLiteral("presets"), QStringLiteral("eat")}
                                    << 2 << "unknown subcommand 'eat'";
}

void TestCostCli::errors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Run r = frontierCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
}

void TestCostCli::presets()
{
    const Run list = frontierCli(
        {QStringLiteral("presets"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QStringList names;
    for (const QJsonValue &p :
         QJsonDocument::fromJson(list.out).object().value(QStringLiteral("presets")).toArray())
        names << p.toObject().value(QStringLiteral("name")).toString();
    for (const char *n : {"asic45", "msp430fr5994", "cortex-m4f", "cortex-m7", "esp32", "wifi",
                          "ble-2m", "lte-m", "lora", "server-gpu", "server-edge"})
        QVERIFY2(names.contains(QLatin1String(n)), n);

    const Run show = frontierCli(
        {QStringLiteral("presets"), QStringLiteral("show"), QStringLiteral("asic45")});
    QCOMPARE(show.exitCode, 0);
    QVERIFY(show.out.contains("horowitz2014"));

    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    {
        std::ofstream out(bad.toStdString());
        out << "{\"schema\": 1, \"name\": \"bad\", \"type\": \"server\", \"description\": \"d\","
               " \"sources\": {\"s\": \"Estimate\"}, \"server\": {\"latency_ms\": "
               "{\"value\": -1, \"kind\": \"estimate\", \"source\": \"s\"}}}";
    }
    const Run validate
        = frontierCli({QStringLiteral("presets"), QStringLiteral("validate"),
                       QString::fromStdString(frontier::test::shippedPreset("lora")), bad});
    QCOMPARE(validate.exitCode, 1);
    QVERIFY(validate.out.startsWith("ok"));
    QCOMPARE(QString::fromUtf8(validate.err).trimmed(),
             QStringLiteral("frontier: ") + bad
                 + QStringLiteral(": key 'server.latency_ms.value': negative value -1"));
}

QTEST_GUILESS_MAIN(TestCostCli)
#include "tst_costcli.moc"
